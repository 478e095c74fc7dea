from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from nexus import create_app
from tests.conftest import make_settings
from tests.support.smtp import Inbox, SmtpServer

# Fast retries: the tests wait for backoffs in real time.
FAST = {"mail_backoff_seconds": 0.01, "mail_backoff_max_seconds": 0.05, "mail_poll_seconds": 0.05}


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(Inbox())
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def mail_app(
    database_url: str, connection: Connection
) -> Iterator[Callable[..., tuple[Flask, Session]]]:
    """An app with these settings on the test's connection, and a session on it."""
    made: list[Session] = []

    def make(**overrides: object) -> tuple[Flask, Session]:
        from nexus.db import Database

        app = create_app(make_settings(database_url, **{**FAST, **overrides}), bind=connection)
        app.testing = True
        session = Database.factory_for(app)()
        made.append(session)
        return app, session

    yield make
    for session in made:
        session.close()
