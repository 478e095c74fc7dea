"""Demo catalogue (the four kinds of "formules") and the students' enrollments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.demo.people import account
from nexus.offers.models import Enrollment, Offer, OfferKind

OFFERS = (
    {
        "code": "coaching-individuel-10h",
        "name": "Coaching individuel — 10 h",
        "kind": OfferKind.INDIVIDUAL,
        "description": "Dix heures de cours particuliers avec un professeur attitré, "
        "en ligne ou au centre.",
        "price_cents": 45_000,
        "hours": 10,
        "max_group_size": 1,
    },
    {
        "code": "petit-groupe-20h",
        "name": "Cours en petit groupe — 20 h",
        "kind": OfferKind.SMALL_GROUP,
        "description": "Vingt heures en groupe de six élèves au plus, par niveau et par matière.",
        "price_cents": 60_000,
        "hours": 20,
        "max_group_size": 6,
    },
    {
        "code": "stage-intensif-vacances-15h",
        "name": "Stage intensif vacances — 15 h",
        "kind": OfferKind.HOLIDAY_INTENSIVE,
        "description": "Cinq matinées de trois heures pendant les vacances scolaires pour "
        "préparer le bac.",
        "price_cents": 39_000,
        "hours": 15,
        "max_group_size": 8,
    },
    {
        "code": "aria-en-ligne-mensuel",
        "name": "ARIA en ligne — abonnement mensuel",
        "kind": OfferKind.ARIA_ONLINE,
        "description": "Le tuteur IA ARIA disponible 24 h/24, sans heures de cours.",
        "price_cents": 2_900,
        "hours": 0,
        "max_group_size": 1,
    },
)
# (student, offer code, enrolled by)
ENROLLMENTS = (
    ("lucas@nexus-reussite.fr", "coaching-individuel-10h", "parent@nexus-reussite.fr"),
    ("lucas@nexus-reussite.fr", "aria-en-ligne-mensuel", "parent@nexus-reussite.fr"),
    ("emma@nexus-reussite.fr", "petit-groupe-20h", "parent@nexus-reussite.fr"),
    ("ines@nexus-reussite.fr", "stage-intensif-vacances-15h", "admin@nexus-reussite.fr"),
)


def seed(session: Session) -> None:
    by_code: dict[str, Offer] = {}
    for values in OFFERS:
        offer = session.scalar(select(Offer).where(Offer.code == values["code"]))
        if offer is None:
            offer = Offer(**values)
            session.add(offer)
            session.flush()
        by_code[offer.code] = offer
    for student_email, code, buyer_email in ENROLLMENTS:
        student, offer = account(session, student_email), by_code[code]
        existing = session.scalar(
            select(Enrollment.id).where(
                Enrollment.student_id == student.id, Enrollment.offer_id == offer.id
            )
        )
        if existing is None:
            session.add(
                Enrollment(
                    student_id=student.id,
                    offer_id=offer.id,
                    enrolled_by_id=account(session, buyer_email).id,
                    minutes_bought=offer.hours * 60,
                    minutes_used=0,
                    price_paid_cents=offer.price_cents,
                )
            )
    session.flush()
