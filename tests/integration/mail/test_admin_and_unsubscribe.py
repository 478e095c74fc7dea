"""Dead letters (the admin list and retry) and leaving a non-essential category."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from nexus.mail import MailStatus, OutboxMessage, enqueue
from nexus.mail.outbox import unsubscribe_url
from nexus.mail.worker import Worker
from nexus.notifications.preferences import Category, Channel, wanting
from tests.support.api import Api
from tests.support.services import free_port
from tests.support.smtp import SmtpServer

MakeApp = Callable[..., tuple[Flask, Session]]


def _status(session: Session, message_id: int) -> Any:
    row = session.execute(
        select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error).where(
            OutboxMessage.id == message_id
        )
    ).one()
    session.rollback()
    return row


def test_max_attempts_make_a_dead_letter_that_an_admin_sees_and_retries(
    api: Api, mail_app: MakeApp, smtp: SmtpServer
) -> None:
    closed = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    app, session = mail_app(smtp_url=closed, mail_max_attempts=3)
    with app.app_context():
        row = enqueue(
            session, to_address="e@example.fr", template="welcome", context={"first_name": "Emma"}
        )
        session.commit()
    # Plain values: reading an expired row later would open a savepoint on the shared
    # connection, and the rollbacks below would then undo the requests' commits.
    row_id, row_message_id = row.id, row.message_id
    session.rollback()
    worker = Worker(app)
    deadline = time.monotonic() + 30
    while _status(session, row_id).status is MailStatus.PENDING and time.monotonic() < deadline:
        worker.run_once()
        time.sleep(0.02)
    dead = _status(session, row_id)
    assert dead.status is MailStatus.DEAD and dead.attempts == 3
    assert "ConnectionRefusedError" in dead.last_error
    assert worker.metrics.dead._value.get() == 1  # pylint: disable=protected-access
    assert worker.metrics.failed._value.get() == 3  # pylint: disable=protected-access

    admin, teacher = api.actor(Role.ADMIN), api.actor(Role.TEACHER)
    assert api.get("/api/v1/admin/mail?status=dead", teacher).status_code == 403
    assert api.get("/api/v1/admin/mail?status=dead").status_code == 401
    listed = api.get("/api/v1/admin/mail?status=dead&page_size=5", admin).get_json()
    assert listed["total"] == 1 and listed["page_size"] == 5
    assert listed["items"][0]["id"] == row_id and listed["items"][0]["attempts"] == 3
    assert api.get("/api/v1/admin/mail?status=sent", admin).get_json()["total"] == 0
    assert api.get("/api/v1/admin/mail?status=lost", admin).status_code == 422

    assert api.post(f"/api/v1/admin/mail/{row_id}/retry", teacher).status_code == 403
    retried = api.post(f"/api/v1/admin/mail/{row_id}/retry", admin)
    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["status"] == "pending" and retried.get_json()["attempts"] == 0
    again = api.post(f"/api/v1/admin/mail/{row_id}/retry", admin)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert api.post("/api/v1/admin/mail/999999/retry", admin).status_code == 404
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.retry")).all()
    assert [(a.actor_id, a.target_id) for a in audit] == [(admin.id, row_id)]
    session.rollback()

    # The server is back (another worker configuration): the retried letter goes out.
    fixed, _ = mail_app(smtp_url=smtp.url())
    assert Worker(fixed).run_once() == 1
    assert smtp.inbox.message_ids() == [row_message_id]
    assert api.get("/api/v1/admin/mail?status=sent", admin).get_json()["total"] == 1


def test_unsubscribe_link_records_the_opt_out_and_later_mail_is_suppressed(
    api: Api, mail_app: MakeApp, smtp: SmtpServer
) -> None:
    student = api.create_user(Role.STUDENT, first_name="Lucas")
    app, session = mail_app(smtp_url=smtp.url())
    context = {
        "first_name": "Lucas",
        "subject_name": "Mathématiques",
        "when": "mardi 8 décembre à 17 h",
    }
    with app.app_context():
        first = enqueue(
            session,
            to_address=student.email,
            template="session_reminder",
            context=context,
            to_user_id=student.id,
            category="sessions",
        )
        session.commit()
    assert first.subject == "Rappel : séance de Mathématiques le mardi 8 décembre à 17 h"
    assert "Se désabonner" in first.body_html
    link = re.search(r"https?://\S+/api/v1/mail/unsubscribe\?token=\S+", first.body_text)
    assert link is not None
    assert Worker(app).run_once() == 1
    (received,) = smtp.inbox.messages
    assert received["List-Unsubscribe"] == f"<{link.group(0)}>"

    client = app.test_client()
    path = link.group(0).split("127.0.0.1:8000", 1)[1]
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {
        "message": "Vous ne recevrez plus ces e-mails.",
        "category": "sessions",
    }
    assert client.post(path).status_code == 200  # one-click, idempotent
    assert not wanting(session, [student.id], Category.SESSIONS, Channel.EMAIL)
    assert wanting(session, [student.id], Category.SESSIONS, Channel.IN_APP) == [student.id]
    session.rollback()

    with app.app_context():
        second = enqueue(
            session,
            to_address=student.email,
            template="session_reminder",
            context=context,
            to_user_id=student.id,
            category="sessions",
        )
        essential = enqueue(
            session,
            to_address=student.email,
            template="welcome",
            context=context,
            to_user_id=student.id,
        )
        session.commit()
        forged = unsubscribe_url(app.extensions["settings"], 999_999, "sessions")
    assert second.status is MailStatus.SUPPRESSED and essential.status is MailStatus.PENDING
    assert Worker(app).run_once() == 1  # the essential one only
    assert len(smtp.inbox.messages) == 2

    bad = client.get("/api/v1/mail/unsubscribe?token=not-a-token")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    assert client.get("/api/v1/mail/unsubscribe").status_code == 422
    assert client.get(forged.split("127.0.0.1:8000", 1)[1]).status_code == 404
    # A token signed with another key (another deployment) is refused.
    other, _ = mail_app()
    with other.app_context():
        foreign = unsubscribe_url(other.extensions["settings"], student.id, "news")
    assert client.get(foreign.split("127.0.0.1:8000", 1)[1]).status_code == 422
