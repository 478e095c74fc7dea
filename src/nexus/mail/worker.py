"""Delivering the outbox (``nexus worker``).

Each round, in one short transaction, the worker claims the due ``pending`` rows
(``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers never claim the same row; on
SQLite the write lock taken at BEGIN serialises claims): it counts the attempt and moves
``next_attempt_at`` a lease ahead. It then sends each message and, right after the server's
acceptance, marks the row ``sent`` in another short transaction. A failure schedules the next
attempt with exponential backoff, and after ``mail_max_attempts`` the row is ``dead``.

**Delivery is at least once.** If the process dies between the server's acceptance and the
``sent`` commit (a window of one short UPDATE), the lease expires and the message is sent
again. It is the same message, with the same Message-ID, so receiving systems and people can
recognise the copy; no crash can produce two distinct e-mails, and none can lose one.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, cast

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from nexus.config import Settings
from nexus.db import Database
from nexus.db import utcnow as clock_now
from nexus.mail.models import MailStatus, OutboxMessage
from nexus.mail.outbox import ESSENTIAL, unsubscribe_url
from nexus.mail.transports import Transport, make_transport

log = logging.getLogger(__name__)
ERROR_CHARS = 1000


@dataclass(frozen=True)
class Claimed:
    """What one claimed row needs to be sent, read inside the claim's transaction."""

    id: int
    attempts: int
    to_address: str
    to_user_id: int | None
    category: str
    subject: str
    body_text: str
    body_html: str
    message_id: str
    created_at: datetime


class Metrics:
    """The worker's Prometheus series, in a registry of their own (one per worker)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.sent = Counter("nexus_mail_sent", "E-mails accepted", registry=self.registry)
        self.failed = Counter(
            "nexus_mail_failed", "Failed delivery attempts", registry=self.registry
        )
        self.dead = Counter(
            "nexus_mail_dead", "E-mails given up after the last attempt", registry=self.registry
        )
        self.pending = Gauge(
            "nexus_mail_pending", "E-mails waiting to be sent", registry=self.registry
        )


def backoff_seconds(settings: Settings, attempts: int) -> float:
    """Delay before attempt ``attempts + 1``: base, 2 x base, 4 x base ... capped."""
    return float(
        min(
            settings.mail_backoff_seconds * 2 ** max(attempts - 1, 0),
            settings.mail_backoff_max_seconds,
        )
    )


def build_email(settings: Settings, row: Claimed) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(row.created_at)
    if row.category != ESSENTIAL and row.to_user_id is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe_url(settings, row.to_user_id, row.category)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    return message


class Worker:
    def __init__(self, app: Flask, transport: Transport | None = None) -> None:
        self.settings: Settings = app.extensions["settings"]
        self.sessions: sessionmaker[Session] = Database.factory_for(app)
        self.transport = transport or make_transport(self.settings)
        self.metrics = Metrics()
        self.stopping = threading.Event()

    # -- the transactions ------------------------------------------------------------------
    def claim(self) -> list[Claimed]:
        now = clock_now()
        lease = now + timedelta(seconds=self.settings.mail_lease_seconds)
        claimed: list[Claimed] = []
        with self.sessions.begin() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == MailStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(self.settings.mail_batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                # Conditional: should a row be claimed elsewhere meanwhile (no row locks on
                # SQLite), the row count says who won.
                won = cast(
                    CursorResult[Any],
                    session.execute(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id == row.id,
                            OutboxMessage.status == MailStatus.PENDING,
                            OutboxMessage.attempts == row.attempts,
                        )
                        .values(attempts=row.attempts + 1, next_attempt_at=lease)
                        .execution_options(synchronize_session=False)
                    ),
                ).rowcount
                if won == 1:
                    claimed.append(
                        Claimed(
                            id=row.id,
                            attempts=row.attempts + 1,
                            to_address=row.to_address,
                            to_user_id=row.to_user_id,
                            category=row.category,
                            subject=row.subject,
                            body_text=row.body_text,
                            body_html=row.body_html,
                            message_id=row.message_id,
                            created_at=row.created_at,
                        )
                    )
        return claimed

    def _mark_sent(self, row: Claimed) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == MailStatus.PENDING)
                .values(status=MailStatus.SENT, sent_at=clock_now(), last_error=None)
                .execution_options(synchronize_session=False)
            )
        self.metrics.sent.inc()

    def _mark_failed(self, row: Claimed, error: str) -> None:
        dead = row.attempts >= self.settings.mail_max_attempts
        values: dict[str, object] = {"last_error": error[:ERROR_CHARS]}
        if dead:
            values["status"] = MailStatus.DEAD
        else:
            delay = backoff_seconds(self.settings, row.attempts)
            values["next_attempt_at"] = clock_now() + timedelta(seconds=delay)
        with self.sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == MailStatus.PENDING)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        self.metrics.failed.inc()
        if dead:
            self.metrics.dead.inc()
            log.error("mail %s is dead after %s attempts: %s", row.id, row.attempts, error)
        else:
            log.warning("mail %s attempt %s failed: %s", row.id, row.attempts, error)

    def _release(self, rows: list[Claimed]) -> None:
        """Give back claimed rows not tried (shutdown): due at once, the attempt not counted."""
        if not rows:
            return
        with self.sessions.begin() as session:
            for row in rows:
                session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == row.id,
                        OutboxMessage.status == MailStatus.PENDING,
                        OutboxMessage.attempts == row.attempts,
                    )
                    .values(attempts=row.attempts - 1, next_attempt_at=clock_now())
                    .execution_options(synchronize_session=False)
                )

    def count_pending(self) -> int:
        with self.sessions() as session:
            count = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == MailStatus.PENDING)
            )
        self.metrics.pending.set(count or 0)
        return count or 0

    # -- the loop --------------------------------------------------------------------------
    def deliver(self, row: Claimed) -> bool:
        """One attempt at one claimed row; True when it was accepted."""
        try:
            self.transport.send(build_email(self.settings, row), name=f"{row.id:08d}")
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            # The connection is in an unknown state after any error: the next message opens
            # a fresh one.
            self.transport.close()
            self._mark_failed(row, f"{type(exc).__name__}: {exc}")
            return False
        self._mark_sent(row)
        return True

    def run_batch(self) -> int:
        """Claim and try one batch; how many rows were claimed (0: nothing due)."""
        rows = self.claim()
        try:
            for index, row in enumerate(rows):
                if self.stopping.is_set():
                    self._release(rows[index:])
                    break
                self.heartbeat()
                self.deliver(row)
        finally:
            self.transport.close()
        return len(rows)

    def run_once(self) -> int:
        """Try every message due now once (``nexus worker --once``); how many were tried."""
        tried = 0
        while not self.stopping.is_set():
            claimed = self.run_batch()
            if claimed == 0:
                break
            tried += claimed
        self.count_pending()
        return tried

    def heartbeat(self) -> None:
        if self.settings.mail_heartbeat_file:
            path = Path(self.settings.mail_heartbeat_file)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()

    def run_forever(self) -> None:
        """Until :meth:`stop`: deliver what is due, then wait ``mail_poll_seconds``."""
        while not self.stopping.is_set():
            self.heartbeat()
            try:
                claimed = self.run_batch()
                self.count_pending()
            except Exception:  # pylint: disable=broad-exception-caught
                # The database may be briefly away: log, wait, try again; never die.
                log.exception("mail worker round failed")
                claimed = 0
            if claimed == 0:
                self.stopping.wait(self.settings.mail_poll_seconds)

    def stop(self) -> None:
        self.stopping.set()
