"""Concurrent payments on real PostgreSQL, one connection per thread.

An invoice of 100.00 € and 10 threads that each pay 25.00 € at once, in their own
transactions: the invoice row is locked FOR UPDATE while each checks what remains due, so
exactly 4 succeed and the others are refused — never more than the invoice is paid.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from nexus import create_app
from nexus.accounts.roles import Role
from nexus.accounts.services import create_user
from nexus.accounts.tokens import Principal
from nexus.billing.models import Payment, PaymentMethod
from nexus.billing.payments import record_payment
from nexus.billing.services import LineInput, issue_invoice
from nexus.db import db
from nexus.errors import Conflict
from nexus.migrations import runner
from tests.conftest import make_settings
from tests.support.services import require_postgres, scratch_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PAYERS = 10
TODAY = date(2026, 12, 4)


@pytest.fixture()
def live_app() -> Iterator[Flask]:
    server_url = require_postgres()
    with scratch_database(server_url, prefix="nexus_payments") as url:
        settings = make_settings(url, db_pool_size=PAYERS + 2, db_max_overflow=2)
        runner.upgrade(settings)
        app = create_app(settings)
        try:
            yield app
        finally:
            db.engine_for(app).dispose()


def _pay(app: Flask, barrier: threading.Barrier, invoice_id: int, admin_id: int) -> bool:
    principal = Principal(user_id=admin_id, role=Role.ADMIN, session_id="test")
    with app.app_context():
        try:
            with db.standalone_session(app) as session:
                session.connection()  # the connection is open before the start signal
                barrier.wait()
                record_payment(
                    session,
                    principal,
                    invoice_id,
                    amount_cents=2_500,
                    method=PaymentMethod.CARD,
                    received_on=TODAY,
                    reference="",
                    today=TODAY,
                )
            return True
        except Conflict as exc:
            assert exc.code == "payment_exceeds_outstanding"
            return False


def test_concurrent_payments_never_exceed_the_invoice(live_app: Flask) -> None:
    with live_app.app_context(), db.standalone_session(live_app) as session:
        admin_id = create_user(
            session,
            email="admin@test.nexus-reussite.fr",
            password="Révisions2026!",
            role=Role.ADMIN,
            first_name="Admin",
            last_name="Nexus",
        ).id
        invoice_id = issue_invoice(
            session,
            buyer_name="Famille Martin",
            buyer_address="1 rue de la Paix, 75002 Paris",
            lines=[LineInput("Cours particuliers", 100, 10_000)],
            issued_on=TODAY,
        ).id
    barrier = threading.Barrier(PAYERS)
    with ThreadPoolExecutor(max_workers=PAYERS) as pool:
        results = list(
            pool.map(lambda _: _pay(live_app, barrier, invoice_id, admin_id), range(PAYERS))
        )

    assert results.count(True) == 4 and results.count(False) == PAYERS - 4
    with live_app.app_context(), db.standalone_session(live_app) as session:
        paid = session.scalar(
            select(func.sum(Payment.amount_cents)).where(Payment.document_id == invoice_id)
        )
    assert paid == 10_000
