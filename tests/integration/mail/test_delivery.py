"""The outbox delivered to a real SMTP server (aiosmtpd): transactions, TLS, outages."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.permissions import public
from nexus.api.responses import json_response
from nexus.api.schemas import Message
from nexus.db import db
from nexus.errors import Conflict
from nexus.mail import MailStatus, OutboxMessage, enqueue
from nexus.mail.worker import Worker
from tests.support.smtp import Inbox, SmtpServer, tls_server_options

MakeApp = Callable[..., tuple[Flask, Session]]


def _add_signup_route(app: Flask) -> None:
    """A request that enqueues a welcome e-mail, then fails (409) when ``?fail=1``."""
    from flask import request

    @public
    def signup() -> Response:
        enqueue(
            db.session,
            to_address="lucas.moreau@example.fr",
            template="welcome",
            context={"first_name": "Lucas"},
        )
        if request.args.get("fail"):
            raise Conflict("refused after the enqueue")
        return json_response(Message(message="ok"), 201)

    app.add_url_rule("/test/signup", "test_signup", signup, methods=["POST"])


def _outbox(session: Session) -> list[Any]:
    """The outbox rows as plain rows; no savepoint is left open on the shared connection (the
    worker's own sessions open and release theirs on it)."""
    rows = list(session.execute(select(OutboxMessage.__table__).order_by(OutboxMessage.id)))
    session.rollback()
    return rows


def test_rolled_back_request_sends_nothing_committed_one_is_delivered_once(
    mail_app: MakeApp, smtp: SmtpServer
) -> None:
    app, session = mail_app(smtp_url=smtp.url())
    _add_signup_route(app)
    client = app.test_client()

    assert client.post("/test/signup?fail=1").status_code == 409
    assert not _outbox(session)

    assert client.post("/test/signup").status_code == 201
    (row,) = _outbox(session)
    assert (
        row.status is MailStatus.PENDING and row.subject == "Bienvenue sur Nexus Réussite, Lucas !"
    )

    worker = Worker(app)
    assert worker.run_once() == 1
    assert worker.run_once() == 0  # nothing left: no second delivery
    (received,) = smtp.inbox.messages
    assert received["Subject"] == "Bienvenue sur Nexus Réussite, Lucas !"
    assert received["Message-ID"] == row.message_id
    assert received["X-Test-Rcpt"] == "lucas.moreau@example.fr"
    text = received.get_body(("plain",))
    html = received.get_body(("html",))
    assert text is not None and html is not None
    assert "Votre compte Nexus Réussite est prêt" in text.get_content()
    assert "Bonjour Lucas" in html.get_content()
    assert "Se désabonner" not in html.get_content()  # essential: no unsubscribe link
    (row,) = _outbox(session)
    assert row.status is MailStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert worker.metrics.sent._value.get() == 1  # pylint: disable=protected-access
    assert worker.metrics.pending._value.get() == 0  # pylint: disable=protected-access


def test_starttls_with_a_trusted_self_signed_certificate_and_login(
    mail_app: MakeApp, tmp_path: Path
) -> None:
    options, ca_file = tls_server_options(tmp_path, "nexus", "s3cret")
    server = SmtpServer(Inbox(), **options)
    server.start()
    try:
        app, session = mail_app(
            smtp_url=server.url("nexus", "s3cret"), smtp_ca_file=str(ca_file), smtp_require_tls=True
        )
        with app.app_context():
            enqueue(
                session,
                to_address="a@example.fr",
                template="welcome",
                context={"first_name": "Ana"},
            )
            session.commit()
        worker = Worker(app)
        worker.run_once()
        (received,) = server.inbox.messages
        assert received["X-Test-TLS"] == "yes"
        assert _outbox(session)[0].status is MailStatus.SENT

        # Without the CA the certificate is refused: nothing is sent, the row waits.
        untrusting, session2 = mail_app(smtp_url=server.url("nexus", "s3cret"))
        with untrusting.app_context():
            enqueue(
                session2,
                to_address="b@example.fr",
                template="welcome",
                context={"first_name": "Bo"},
            )
            session2.commit()
        Worker(untrusting).run_once()
        rows = _outbox(session2)
        assert rows[1].status is MailStatus.PENDING and "CERTIFICATE_VERIFY_FAILED" in (
            rows[1].last_error or ""
        )
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_burst_survives_a_server_outage_without_loss_or_duplicate(mail_app: MakeApp) -> None:
    """100 e-mails; after 30 the server answers 451 (so none is in flight), is stopped, the
    worker keeps failing against the closed port, then the server comes back."""
    inbox = Inbox(accept_limit=30)
    server = SmtpServer(inbox)
    server.start()
    app, session = mail_app(smtp_url=server.url(), mail_batch_size=20)
    with app.app_context():
        for n in range(100):
            enqueue(
                session,
                to_address=f"eleve{n}@example.fr",
                template="welcome",
                context={"first_name": f"N{n}"},
            )
        session.commit()
    worker = Worker(app)
    try:
        while len(inbox.messages) < 30:
            worker.run_batch()
        server.stop()
        for _ in range(2):  # connection refused: attempts fail and are rescheduled
            time.sleep(0.06)
            worker.run_batch()
        assert worker.metrics.failed._value.get() > 0  # pylint: disable=protected-access
        inbox.accept_limit = None
        server.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.count_pending():
            if worker.run_batch() == 0:
                time.sleep(0.02)
    finally:
        server.stop()
    ids = inbox.message_ids()
    assert len(ids) == 100 and len(set(ids)) == 100
    counts = Counter(row.status for row in _outbox(session))
    assert counts == {MailStatus.SENT: 100}
    assert set(ids) == {row.message_id for row in _outbox(session)}


def test_a_crash_after_acceptance_resends_the_same_message_id(
    mail_app: MakeApp, smtp: SmtpServer
) -> None:
    """The at-least-once boundary: the process dies between the server's 250 and the commit."""
    app, session = mail_app(smtp_url=smtp.url(), mail_lease_seconds=0.05)
    with app.app_context():
        enqueue(
            session, to_address="c@example.fr", template="welcome", context={"first_name": "Chloé"}
        )
        session.commit()
    worker = Worker(app)
    claims = worker.claim()
    assert len(claims) == 1
    claimed = claims[0]
    assert not worker.claim()  # leased: no one else takes it meanwhile
    from nexus.mail.worker import build_email

    worker.transport.send(build_email(worker.settings, claimed), name="crash")
    worker.transport.close()  # ... and the process dies here, before _mark_sent
    time.sleep(0.06)
    assert worker.run_once() == 1
    ids = smtp.inbox.message_ids()
    assert len(ids) == 2 and len(set(ids)) == 1  # a copy of one message, never two messages
    assert _outbox(session)[0].status is MailStatus.SENT


def test_without_smtp_url_messages_become_eml_files(mail_app: MakeApp, tmp_path: Path) -> None:
    from email import message_from_bytes, policy

    outbox = tmp_path / "outbox"
    app, session = mail_app(smtp_url=None, mail_outbox_dir=str(outbox))
    with app.app_context():
        user_row = enqueue(
            session,
            to_address="d@example.fr",
            template="welcome",
            context={"first_name": "Dan"},
            language="en",
        )
        session.commit()
    assert Worker(app).run_once() == 1
    (path,) = outbox.glob("*.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Welcome to Nexus Réussite, Dan!"
    assert parsed["Message-ID"] == user_row.message_id
    assert parsed["From"] == "Nexus Réussite <no-reply@nexus-reussite.fr>"
    body = parsed.get_body(("plain",))
    assert body is not None and "Your Nexus Réussite account is ready" in body.get_content()
    assert [row.status for row in _outbox(session)] == [MailStatus.SENT]
