"""``nexus worker`` as a real process: delivers, beats its heartbeat, and on SIGTERM finishes
the message in hand, gives back the rest of its batch and exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess  # nosec B404 - the console script under test
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from nexus import create_app
from nexus.db import Database, db
from nexus.mail import MailStatus, OutboxMessage, enqueue
from nexus.migrations import runner
from tests.conftest import USES_POSTGRES, make_settings
from tests.support import services
from tests.support.smtp import Inbox, SmtpServer

NEXUS = str(Path(sys.executable).with_name("nexus"))


class SlowSecondInbox(Inbox):
    """Holds the second message for a second before accepting it: SIGTERM arrives then."""

    def __init__(self) -> None:
        super().__init__()
        self.second_in_flight = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if len(self.messages) == 1:
            self.second_in_flight.set()
            await asyncio.sleep(1.0)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture()
def own_database(tmp_path: Path) -> Iterator[str]:
    if USES_POSTGRES:
        with services.scratch_database(services.require_postgres()) as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'worker.db'}"


def test_worker_process_finishes_the_current_message_on_sigterm_and_exits_0(
    own_database: str, tmp_path: Path
) -> None:
    inbox = SlowSecondInbox()
    server = SmtpServer(inbox)
    server.start()
    settings = make_settings(own_database, sqlite_immediate_transactions=True)
    runner.upgrade(settings)
    app = create_app(settings)
    with app.app_context(), db.standalone_session(app) as session:
        for n in range(3):
            enqueue(
                session,
                to_address=f"w{n}@example.fr",
                template="welcome",
                context={"first_name": f"W{n}"},
            )
    heartbeat = tmp_path / "heartbeat"
    env = {
        **os.environ,
        "NEXUS_ENV": "test",
        "DATABASE_URL": own_database,
        "SECRET_KEY": settings.secret_key.get_secret_value(),
        "SMTP_URL": server.url(),
        "MAIL_POLL_SECONDS": "0.1",
        "MAIL_HEARTBEAT_FILE": str(heartbeat),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(  # nosec B603  # pylint: disable=consider-using-with
        [NEXUS, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        started = inbox.second_in_flight.wait(60)
        beating = heartbeat.exists()
        process.send_signal(signal.SIGTERM)
        _stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        server.stop()
        Database.engine_for(app).dispose()
    assert started and beating, stderr
    assert process.returncode == 0, stderr
    assert "stopping after the current message" in stderr and "mail worker stopped" in stderr
    engine = create_engine(own_database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.message_id
                ).order_by(OutboxMessage.id)
            ).all()
    finally:
        engine.dispose()
    # The message in flight at SIGTERM was finished and recorded; the third was given back.
    assert [(r.status, r.attempts) for r in rows] == [
        (MailStatus.SENT, 1),
        (MailStatus.SENT, 1),
        (MailStatus.PENDING, 0),
    ]
    assert inbox.message_ids() == [rows[0].message_id, rows[1].message_id]
    assert time.time() - heartbeat.stat().st_mtime < 60


def test_worker_refuses_to_start_in_production_without_smtp_url(database_url: str) -> None:
    from nexus.config import Environment

    # model_copy skips the production checks that do not concern the worker.
    settings = make_settings(database_url).model_copy(update={"env": Environment.PRODUCTION})
    app = create_app(settings)
    try:
        result = app.test_cli_runner().invoke(args=["worker", "--once"])
    finally:
        Database.engine_for(app).dispose()
    assert result.exit_code == 1
    assert "SMTP_URL is missing: production delivers over SMTP" in result.output
