"""Rendering, backoff, unsubscribe tokens and SMTP_URL parsing (no server, no database)."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from nexus.config import Settings
from nexus.mail.rendering import render
from nexus.mail.tokens import make_token, read_token
from nexus.mail.transports import (
    EmlTransport,
    SmtpConfigurationError,
    SmtpTransport,
    make_transport,
)
from nexus.mail.worker import backoff_seconds


def test_backoff_doubles_from_the_base_and_is_capped() -> None:
    settings = Settings(mail_backoff_seconds=30, mail_backoff_max_seconds=300)
    assert [backoff_seconds(settings, n) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_render_french_by_default_english_on_request_unknown_falls_back() -> None:
    fr = render("welcome", {"first_name": "Léa"})
    assert fr.subject == "Bienvenue sur Nexus Réussite, Léa !"
    assert "<p>Bonjour Léa,</p>" in fr.html and fr.text.startswith("Bonjour Léa,")
    assert (
        render("welcome", {"first_name": "Léa"}, "en").subject == "Welcome to Nexus Réussite, Léa!"
    )
    assert render("welcome", {"first_name": "Léa"}, "de").subject == fr.subject


def test_render_escapes_html_keeps_subject_on_one_line_and_refuses_missing_values() -> None:
    rendered = render("welcome", {"first_name": "<b>Zoé</b>\nBcc: x@evil.example"})
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in rendered.html and "<b>Zoé" not in rendered.html
    assert "\n" not in rendered.subject
    with pytest.raises(UndefinedError):
        render("welcome", {})


def test_unsubscribe_tokens_are_signed() -> None:
    token = make_token("k" * 40, 12, "reminders")
    assert read_token("k" * 40, token) == (12, "reminders")
    assert read_token("other-key" * 5, token) is None
    assert read_token("k" * 40, token[:-2] + "xx") is None


def test_smtp_url_parsing() -> None:
    plain = SmtpTransport(Settings(smtp_url="smtp://us%40er:p%3Ass@mail.example:2525"))
    assert (plain.host, plain.port, plain.username, plain.password) == (
        "mail.example",
        2525,
        "us@er",
        "p:ss",
    )
    assert not plain.implicit_tls
    implicit = SmtpTransport(Settings(smtp_url="smtps://mail.example"))
    assert implicit.implicit_tls and implicit.port == 465 and implicit.username is None
    assert SmtpTransport(Settings(smtp_url="smtp://mail.example")).port == 587
    with pytest.raises(SmtpConfigurationError):
        SmtpTransport(Settings(smtp_url="http://mail.example"))
    assert isinstance(make_transport(Settings()), EmlTransport)
