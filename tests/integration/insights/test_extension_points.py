"""Edge paths: a vanished student, recommendations without a level, seeders without data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.assessments.models import Assessment
from nexus.assessments.progress import ChapterStats, load_marks
from nexus.content.vocabulary import Subject
from nexus.dashboards import student as student_dashboard
from nexus.demo import assessments as demo_assessments
from nexus.demo.large import LargeOptions, seed_large
from nexus.errors import NotFound
from nexus.offers.models import Offer, OfferKind
from tests.factories import insights as f


def test_dashboard_of_a_vanished_student_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        student_dashboard.student_dashboard(session, Principal(987_654, Role.STUDENT, "sid"))


def test_recommendations_without_a_known_level(session: Session) -> None:
    weak = ChapterStats("nsi", "Graphes", 6.0, 2)
    item = f.content(session, "Parcours en largeur", subject=Subject.NSI, chapter="graphes")
    found = student_dashboard.recommend(session, None, [weak])
    assert [r.content_id for r in found] == [item.id]
    assert found[0].reason == "Chapitre à retravailler : Graphes (6/20)"
    assert load_marks(session, []) == []


def test_demo_marks_need_the_demo_accounts(session: Session) -> None:
    demo_assessments.seed(session)
    assert session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_large_seed_reuses_existing_offers(session: Session) -> None:
    session.add(
        Offer(
            code="large-individuel-10h",
            name="Existante",
            kind=OfferKind.INDIVIDUAL,
            price_cents=1,
            hours=10,
        )
    )
    session.flush()
    seed_large(session, "!h", LargeOptions(students=3, sessions=2, assessments=2))
    offers = session.scalars(select(Offer).where(Offer.code.like("large-%"))).all()
    assert len(offers) == 4
    assert next(o for o in offers if o.code == "large-individuel-10h").name == "Existante"
