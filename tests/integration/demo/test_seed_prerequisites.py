"""Demo seeders without their prerequisites: no demo accounts, offers already there."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.assessments.models import Assessment
from nexus.demo import assessments as demo_assessments
from nexus.demo.large import LargeOptions, seed_large
from nexus.offers.models import Offer
from tests.factories.offers import OfferFactory


def test_demo_marks_need_the_demo_accounts(session: Session) -> None:
    demo_assessments.seed(session)
    assert session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_large_seed_reuses_existing_offers(session: Session) -> None:
    OfferFactory(code="large-individuel-10h", name="Existante", price_cents=1, hours=10)
    seed_large(session, "!h", LargeOptions(students=3, sessions=2, assessments=2))
    offers = session.scalars(select(Offer).where(Offer.code.like("large-%"))).all()
    assert len(offers) == 4
    assert next(o for o in offers if o.code == "large-individuel-10h").name == "Existante"
