from __future__ import annotations

import json
import logging

import pytest

from nexus.config import Settings
from nexus.ops.logging import REDACTED, configure_logging, scrub


def test_scrub_hides_bearer_tokens_jwts_and_sensitive_keys() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    assert scrub(f"Authorization: Bearer {jwt}") == f"Authorization: Bearer {REDACTED}"
    assert scrub(f"token {jwt} end") == f"token {REDACTED} end"
    payload = {"email": "a@b.fr", "password": "x", "nested": {"refresh_token": "y"}, "n": 3}
    assert scrub(payload) == {
        "email": "a@b.fr",
        "password": REDACTED,
        "nested": {"refresh_token": REDACTED},
        "n": 3,
    }
    assert scrub(["Bearer abc.def", 4]) == [f"Bearer {REDACTED}", 4]
    assert scrub("bEaReR\tabc") == f"bEaReR\t{REDACTED}"
    assert scrub(f"/api/v1/content/{jwt}") == f"/api/v1/content/{REDACTED}"
    assert scrub("/api/v1/offers/eyJ") == "/api/v1/offers/eyJ"  # no token after all


def test_json_lines_carry_level_logger_and_no_secret(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_level="INFO"))
    logging.getLogger("nexus.test").info(
        "login for %s",
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
        extra={"password": "p4ss"},
    )
    for handler in logging.getLogger().handlers:
        handler.flush()  # lines are written in batches (nexus.ops.log_buffer)
    line = capsys.readouterr().out.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["level"] == "INFO"
    assert record["logger"] == "nexus.test"
    assert record["password"] == REDACTED
    assert "eyJhbGci" not in line and "p4ss" not in line


def test_plain_text_logs_when_json_is_off(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_level="INFO", log_json=False))
    logging.getLogger("nexus.test").warning("plain line")
    out = capsys.readouterr().out
    assert "WARNING nexus.test plain line" in out
    configure_logging(Settings(log_level="WARNING"))
