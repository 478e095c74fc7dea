"""The languages users read: French by default, English on request (``Accept-Language: en``).

Messages are written in English in the code, wrapped in :func:`_` (``_("Student not found.")``,
``_("Session %(id)s is full.", id=...)``), and translated by the gettext catalogue
``translations/fr/LC_MESSAGES/messages.po`` (``make translations`` extracts, updates and
compiles it; a test fails when a message has no French). The request's language is negotiated
once, from ``Accept-Language`` among :data:`LANGUAGES`; outside a request it is French.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_babel
from babel import Locale
from flask import Flask, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, lazy_gettext

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "_",
    "force_locale",
    "init_app",
    "language",
    "lazy_gettext",
    "ngettext",
]

DEFAULT = "fr"
LANGUAGES = ("fr", "en")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

_babel = Babel()


def _(message: str, /, **variables: Any) -> str:
    """``message`` in the request's language, ``%(name)s`` filled from ``variables``."""
    return str(flask_babel.gettext(message, **variables))


def ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> str:
    """The singular or plural form for ``num`` (``%(num)s`` in it), in the request's language."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))


def select_language() -> str:
    """The request's best ``Accept-Language`` match (``en-GB`` is English), else French."""
    if not has_request_context():
        return DEFAULT
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def language() -> str:
    """``fr`` or ``en``: the language of what this request (or this command) writes."""
    locale: Locale | None = get_locale()
    return locale.language if locale is not None else DEFAULT


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    _babel.init_app(
        app,
        default_locale=DEFAULT,
        default_timezone="Europe/Paris",
        locale_selector=select_language,
    )
