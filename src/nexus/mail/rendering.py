"""E-mails rendered from the Jinja2 templates under ``templates/<language>/``.

Each template ``name`` is three files: ``name.subject.txt``, ``name.txt`` and ``name.html``
(which extends ``_layout.html``). French is the default; English where ``language="en"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

PLATFORM_NAME = "Nexus Réussite"
LANGUAGES = ("fr", "en")
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=len(LANGUAGES))
def _environment(language: str) -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES / language),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,  # a context missing a value fails at enqueue, not in a mail
        keep_trailing_newline=False,
    )


def template_exists(template: str, language: str = "fr") -> bool:
    folder = TEMPLATES / (language if language in LANGUAGES else "fr")
    return (folder / f"{template}.subject.txt").is_file()


def render(
    template: str, context: dict[str, Any], language: str = "fr", unsubscribe_url: str | None = None
) -> Rendered:
    """Subject, text and HTML of ``template`` in ``language`` (French if unknown)."""
    env = _environment(language if language in LANGUAGES else "fr")
    values = {**context, "platform_name": PLATFORM_NAME, "unsubscribe_url": unsubscribe_url}
    subject = env.get_template(f"{template}.subject.txt").render(values)
    text = env.get_template(f"{template}.txt").render(values).strip() + "\n"
    html = env.get_template(f"{template}.html").render(values)
    # A subject is one line: a stray newline would start the message's headers over.
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)
