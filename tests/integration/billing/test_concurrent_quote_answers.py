"""Concurrent answers to one quote on real PostgreSQL, one connection per thread.

8 threads accept or decline the same quote at once, each in its own transaction: the quote row
is locked FOR UPDATE before its decision is read, so exactly one answer is recorded, the
others are refused with 409 ``quote_decided`` (not an IntegrityError), and at most one invoice
is issued.
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
from nexus.billing import quotes
from nexus.billing.charges import ChargeLine
from nexus.billing.eligibility import LineKind
from nexus.billing.models import BillingDocument, QuoteDecision, QuoteDecisionKind
from nexus.config import BusinessIdentity
from nexus.db import db
from nexus.errors import Conflict
from nexus.migrations import runner
from tests.conftest import make_settings
from tests.support.services import require_postgres, scratch_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ANSWERS = 8
TODAY = date(2026, 12, 4)


@pytest.fixture()
def live_app() -> Iterator[Flask]:
    server_url = require_postgres()
    with scratch_database(server_url, prefix="nexus_quotes") as url:
        settings = make_settings(url, db_pool_size=ANSWERS + 2, db_max_overflow=2)
        runner.upgrade(settings)
        app = create_app(settings)
        try:
            yield app
        finally:
            db.engine_for(app).dispose()


def _answer(app: Flask, barrier: threading.Barrier, quote_id: int, parent_id: int, n: int) -> bool:
    principal = Principal(user_id=parent_id, role=Role.PARENT, session_id="test")
    decision = QuoteDecisionKind.ACCEPTED if n % 2 else QuoteDecisionKind.DECLINED
    with app.app_context():
        try:
            with db.standalone_session(app) as session:
                session.connection()  # the connection is open before the start signal
                barrier.wait()
                quotes.decide(
                    session, principal, quote_id, decision, seller=BusinessIdentity(), today=TODAY
                )
            return True
        except Conflict as exc:
            assert exc.code == "quote_decided"
            return False


def test_a_quote_is_answered_once_under_concurrency(live_app: Flask) -> None:
    with live_app.app_context(), db.standalone_session(live_app) as session:
        users = [
            create_user(
                session,
                email=f"{role.value}@test.nexus-reussite.fr",
                password="Révisions2026!",
                role=role,
                first_name="Claire",
                last_name="Martin",
            ).id
            for role in (Role.ADMIN, Role.PARENT)
        ]
        quote_id = quotes.create_quote(
            session,
            Principal(user_id=users[0], role=Role.ADMIN, session_id="test"),
            family_id=users[1],
            student_id=None,
            offer_id=None,
            lines=[ChargeLine("Stage", LineKind.SERVICE, 100, unit_price_ttc_cents=20_000)],
            valid_until=date(2026, 12, 31),
            seller=BusinessIdentity(),
            today=TODAY,
        ).id
    barrier = threading.Barrier(ANSWERS)
    with ThreadPoolExecutor(max_workers=ANSWERS) as pool:
        results = list(
            pool.map(lambda n: _answer(live_app, barrier, quote_id, users[1], n), range(ANSWERS))
        )

    assert results.count(True) == 1
    with live_app.app_context(), db.standalone_session(live_app) as session:
        decisions = session.scalars(
            select(QuoteDecision).where(QuoteDecision.quote_id == quote_id)
        ).all()
        invoices = session.scalar(select(func.count()).select_from(BillingDocument))
    assert len(decisions) == 1
    assert invoices == (1 if decisions[0].decision is QuoteDecisionKind.ACCEPTED else 0)
