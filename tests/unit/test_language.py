"""The French catalogue is complete, consistent and compiled; the formats read as French does."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from nexus.language import TRANSLATIONS, formats

ROOT = Path(__file__).resolve().parents[2]
PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "N_": None,
    "NN_": (1, 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _key(message_id: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return message_id if isinstance(message_id, str) else tuple(message_id)


def _strings(string: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)


def _catalogue() -> dict[str | tuple[str, ...], tuple[str, ...]]:
    with PO.open("rb") as handle:
        return {_key(m.id): _strings(m.string) for m in read_po(handle) if m.id}


def _extracted() -> set[str | tuple[str, ...]]:
    found = extract_from_dir(
        str(ROOT / "src" / "nexus"),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
    )
    return {_key(message) for _file, _line, message, _comments, _context in found}


def test_every_message_of_the_code_is_in_the_catalogue_and_nothing_else() -> None:
    catalogue, extracted = _catalogue(), _extracted()
    assert len(extracted) > 150
    assert sorted(extracted - catalogue.keys()) == [], "run bin/translations, then translate"
    assert sorted(catalogue.keys() - extracted) == [], "run bin/translations"


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    with PO.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    assert [m.id for m in messages if not all(_strings(m.string))] == []
    assert [m.id for m in messages if m.fuzzy] == []
    for message in messages:
        wanted = {name for text in _strings(message.id) for name in PLACEHOLDER.findall(text)}
        for string in _strings(message.string):
            assert set(PLACEHOLDER.findall(string)) == wanted, message.id


def test_the_shipped_compiled_catalogue_is_the_po_file() -> None:
    with MO.open("rb") as handle:
        compiled = {_key(m.id): _strings(m.string) for m in read_mo(handle) if m.id}
    assert compiled == _catalogue(), "run bin/translations to compile messages.mo"


def test_translations_follow_french_punctuation() -> None:
    """A space before ":", ";", "?" and "!" (not in a header name or a placeholder)."""
    technical = ("Content-Type:", "Authorization:")
    for strings in _catalogue().values():
        text = " ".join(strings)
        for name in technical:
            text = text.replace(name, "")
        assert not re.search(r"[\w»)][:;?!](\s|$)", text), strings


def test_dates_times_and_numbers_read_as_french_and_english() -> None:
    moment = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 17:00 in Paris
    assert formats.when(moment, "fr") == "mardi 1er décembre à 17 h 00"
    assert formats.when(moment, "en") == "Tuesday 1 December at 17:00 (Paris time)"
    assert formats.long_date(date(2027, 6, 15), "fr") == "15 juin 2027"
    assert formats.short_date(date(2027, 6, 5), "fr") == "05/06/2027"
    assert formats.number(12.5, 1, "fr") == "12,5"
    assert formats.number(12.5, 1, "en") == "12.5"
    assert formats.number(14.0, 2, "fr") == "14"
    assert formats.hours(90, "fr") == "1,5 h"
    assert formats.money(123450, "fr") == "1\u202f234,50\xa0€"
    assert formats.weekday(0, "fr") == "lundi"
    assert formats.of("Emma") == "d'Emma" and formats.of("Lucas") == "de Lucas"
