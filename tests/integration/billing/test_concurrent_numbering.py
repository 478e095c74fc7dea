"""Invoice numbers under concurrent issuance, on real PostgreSQL, one connection per thread.

50 threads wait on a barrier, then each issues an invoice in its own transaction; 10 more
issue one and roll back (a failed request). The committed invoices must carry 50 consecutive
numbers: no gap (a rolled-back transaction gives its number back), no duplicate.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from nexus import create_app
from nexus.billing.models import BillingDocument, DocumentKind
from nexus.billing.services import LineInput, issue_invoice
from nexus.db import db
from nexus.migrations import runner
from tests.conftest import make_settings
from tests.support.services import require_postgres, scratch_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ISSUERS = 50
ABANDONERS = 10


class Abandon(Exception):
    """Raised inside an issuing transaction to roll it back after the number was taken."""


@pytest.fixture()
def live_app() -> Iterator[Flask]:
    server_url = require_postgres()
    with scratch_database(server_url, prefix="nexus_billing") as url:
        settings = make_settings(url, db_pool_size=ISSUERS + ABANDONERS + 2, db_max_overflow=2)
        runner.upgrade(settings)
        app = create_app(settings)
        try:
            yield app
        finally:
            db.engine_for(app).dispose()


def _issue(app: Flask, barrier: threading.Barrier, abandon: bool) -> str | None:
    with app.app_context():
        try:
            with db.standalone_session(app) as session:
                session.connection()  # the connection is open before the start signal
                barrier.wait()
                invoice = issue_invoice(
                    session,
                    buyer_name="Famille Martin",
                    buyer_address="1 rue de la Paix, 75002 Paris",
                    lines=[LineInput("Cours particulier de mathématiques", 100, 4000)],
                    issued_on=date(2026, 12, 3),
                )
                if abandon:
                    raise Abandon
                return invoice.number
        except Abandon:
            return None


def test_fifty_concurrent_invoices_get_fifty_consecutive_numbers(live_app: Flask) -> None:
    barrier = threading.Barrier(ISSUERS + ABANDONERS)
    plan = [False] * ISSUERS + [True] * ABANDONERS
    with ThreadPoolExecutor(max_workers=len(plan)) as pool:
        results = list(pool.map(lambda abandon: _issue(live_app, barrier, abandon), plan))

    returned = sorted(number for number in results if number is not None)
    assert len(returned) == ISSUERS
    with live_app.app_context(), db.standalone_session(live_app) as session:
        stored = session.execute(
            select(BillingDocument.sequence, BillingDocument.number)
            .where(BillingDocument.kind == DocumentKind.INVOICE, BillingDocument.year == 2026)
            .order_by(BillingDocument.sequence)
        ).all()
    sequences = [row.sequence for row in stored]
    # Consecutive from 1: rolled-back issuances left no hole, and none was handed out twice.
    assert sequences == list(range(1, ISSUERS + 1))
    assert [row.number for row in stored] == returned
    assert returned[0] == "F-2026-00001" and returned[-1] == f"F-2026-{ISSUERS:05d}"
