"""The public catalogue's reads: active offers priced by billing (``nexus.billing.prices``,
through ``nexus.offers.pricing``), active teachers cut down to what a stranger may see."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from nexus.catalogue.schemas import CatalogueOffer, CatalogueOfferQuery, CatalogueTeacher
from nexus.errors import NotFound
from nexus.language import _
from nexus.offers.models import Offer
from nexus.offers.pricing import prices_of
from nexus.offers.services import SORTS
from nexus.people import teachers
from nexus.people.schemas.teachers import TeacherPublic, TeacherQuery

SHORT_BIO_CHARS = 280


def list_offers(session: Session, query: CatalogueOfferQuery) -> tuple[list[CatalogueOffer], int]:
    conditions: list[ColumnElement[bool]] = [Offer.is_active.is_(True)]
    if query.kind is not None:
        conditions.append(Offer.kind == query.kind)
    total = session.scalar(select(func.count()).select_from(Offer).where(*conditions)) or 0
    offers = session.scalars(
        select(Offer)
        .where(*conditions)
        .order_by(*SORTS[query.sort])
        .offset(query.offset)
        .limit(query.page_size)
    ).all()
    return [CatalogueOffer.of(o, prices_of(o)) for o in offers], total


def get_offer(session: Session, offer_id: int) -> CatalogueOffer:
    """An active offer; an inactive or unknown one is a 404 alike."""
    offer = session.get(Offer, offer_id)
    if offer is None or not offer.is_active:
        raise NotFound(_("Offer not found."))
    return CatalogueOffer.of(offer, prices_of(offer))


def short_bio(bio: str) -> str:
    """The biography up to :data:`SHORT_BIO_CHARS`, cut at a word with an ellipsis."""
    bio = " ".join(bio.split())
    if len(bio) <= SHORT_BIO_CHARS:
        return bio
    cut = bio[: SHORT_BIO_CHARS - 1].rsplit(" ", 1)[0]
    return f"{cut.rstrip(' ,;:.')}…"


def _public(teacher: TeacherPublic) -> CatalogueTeacher:
    initial = teacher.last_name.strip()[:1].upper()
    return CatalogueTeacher(
        first_name=teacher.first_name,
        last_name_initial=f"{initial}." if initial else "",
        subjects=teacher.subjects,
        levels=teacher.levels,
        bio=short_bio(teacher.bio),
    )


def list_teachers(session: Session, query: TeacherQuery) -> tuple[list[CatalogueTeacher], int]:
    """The signed-in directory's active teachers and filters (one owner of "active")."""
    items, total = teachers.list_teachers(session, query)
    return [_public(t) for t in items], total
