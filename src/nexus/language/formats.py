"""Dates, times, numbers and money as a French (or English) reader expects them, with Babel.

Every function takes ``lang`` (``"fr"`` or ``"en"``); ``None`` means the current request's
language. Texts stored for someone else (a notification, a PDF) pass ``"fr"`` explicitly:
they are written for their reader, not in the language of whoever caused them.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, get_day_names
from babel.numbers import format_currency, format_decimal

from nexus.clock import to_paris
from nexus.language import language


def _lang(lang: str | None) -> str:
    return lang or language()


def day(moment: datetime | date, lang: str | None = None) -> str:
    """``mardi 3 décembre`` (``1er`` for the first), ``Tuesday 3 December``; Paris time."""
    code = _lang(lang)
    local = to_paris(moment) if isinstance(moment, datetime) else moment
    if code == "fr" and local.day == 1:
        return format_date(local, "EEEE '1er' MMMM", locale=code)
    return format_date(local, "EEEE d MMMM", locale=code)


def weekday(index: int, lang: str | None = None) -> str:
    """``lundi`` for 0 … ``dimanche`` for 6 (``Monday`` … ``Sunday``)."""
    return str(get_day_names("wide", locale=_lang(lang))[index])


def clock(moment: datetime, lang: str | None = None) -> str:
    """``17 h 00`` (French typography), ``17:00``; Paris time."""
    code = _lang(lang)
    pattern = "H 'h' mm" if code == "fr" else "HH:mm"
    return format_datetime(to_paris(moment), pattern, locale=code)


def when(moment: datetime, lang: str | None = None) -> str:
    """``mardi 3 décembre à 17 h 00``, ``Tuesday 3 December at 17:00 (Paris time)``."""
    code = _lang(lang)
    if code == "fr":
        return f"{day(moment, code)} à {clock(moment, code)}"
    return f"{day(moment, code)} at {clock(moment, code)} (Paris time)"


def long_date(value: date, lang: str | None = None) -> str:
    """``15 juin 2027``, ``15 June 2027``."""
    code = _lang(lang)
    return format_date(value, "d MMMM y", locale=code)


def short_date(value: date, lang: str | None = None) -> str:
    """``15/06/2027``, ``15/06/2027`` (day first in both: the business is French)."""
    return format_date(value, "dd/MM/y", locale=_lang(lang))


def number(value: float, digits: int = 1, lang: str | None = None) -> str:
    """``12,5`` and ``14`` (no trailing zeros), ``12.5`` in English."""
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(round(value, digits), format=pattern, locale=_lang(lang))


def hours(minutes: int, lang: str | None = None) -> str:
    """``1 h``, ``1,5 h``: a duration in hours."""
    return f"{number(minutes / 60, 2, lang)} h"


def money(cents: int, lang: str | None = None) -> str:
    """``1 234,50 €``, ``€1,234.50``."""
    return format_currency(cents / 100, "EUR", locale=_lang(lang))


# Words before which "de" becomes "d'" (vowels, and the mute h of first names like Hugo).
_ELIDING = tuple("aeiouyàâäéèêëîïôöùûüœh")


def of(word: str) -> str:
    """``de Lucas``, ``d'Emma``, ``d'Inès``: "de" with the elision French requires."""
    return f"d'{word}" if word[:1].casefold() in _ELIDING else f"de {word}"
