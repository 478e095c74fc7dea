"""The offer catalogue: admins manage it, everyone signed in reads the active part."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, exists, func, select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.audit.services import record
from nexus.errors import Conflict, NotFound
from nexus.language import _
from nexus.offers.models import Enrollment, Offer
from nexus.offers.schemas import OfferCreate, OfferQuery, OfferUpdate

SORTS: dict[str, tuple[UnaryExpression[Any], ...]] = {
    "price_cents": (Offer.price_cents.asc(), Offer.id.asc()),
    "-price_cents": (Offer.price_cents.desc(), Offer.id.asc()),
    "name": (Offer.name.asc(), Offer.id.asc()),
    "created_at": (Offer.created_at.asc(), Offer.id.asc()),
}


def list_offers(
    session: Session, principal: Principal, query: OfferQuery
) -> tuple[list[Offer], int]:
    conditions: list[ColumnElement[bool]] = []
    if not (query.include_inactive and principal.role is Role.ADMIN):
        conditions.append(Offer.is_active.is_(True))
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
    return list(offers), total


def get_offer(session: Session, principal: Principal, offer_id: int) -> Offer:
    """An offer; an inactive one exists only for admins."""
    offer = session.get(Offer, offer_id)
    if offer is None or (not offer.is_active and principal.role is not Role.ADMIN):
        raise NotFound(_("Offer not found."))
    return offer


def create_offer(session: Session, principal: Principal, data: OfferCreate) -> Offer:
    if session.scalar(select(Offer.id).where(Offer.code == data.code)) is not None:
        raise Conflict(_("An offer already uses this code."), field="code", code="code_taken")
    offer = Offer(**data.model_dump())
    session.add(offer)
    session.flush()
    record(session, principal.user_id, "offer.create", "offer", offer.id, data.model_dump())
    return offer


def update_offer(session: Session, principal: Principal, offer_id: int, data: OfferUpdate) -> Offer:
    offer = get_offer(session, principal, offer_id)
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            continue  # every updatable column is NOT NULL: null means "unchanged"
        setattr(offer, name, value)
    record(session, principal.user_id, "offer.update", "offer", offer.id, changes)
    return offer


def delete_offer(session: Session, principal: Principal, offer_id: int) -> None:
    """Delete an offer nobody enrolled in; otherwise deactivate it instead (409)."""
    offer = get_offer(session, principal, offer_id)
    if session.scalar(select(exists().where(Enrollment.offer_id == offer.id))):
        raise Conflict(
            _("Students are enrolled in this offer: deactivate it (is_active=false) instead."),
            code="offer_in_use",
        )
    record(session, principal.user_id, "offer.delete", "offer", offer.id, {"code": offer.code})
    session.delete(offer)
