"""Who sees which billing document: admins all, a parent their family's, nobody else."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_page
from nexus.billing.models import BillingDocument
from nexus.billing.schemas import DocumentQuery
from nexus.errors import NotFound
from nexus.language import _


def _visible(principal: Principal) -> Any:
    if principal.role is Role.ADMIN:
        return None
    return BillingDocument.family_id == principal.user_id


def list_documents(
    session: Session, principal: Principal, query: DocumentQuery
) -> tuple[list[BillingDocument], int]:
    conditions = []
    visible = _visible(principal)
    if visible is not None:
        conditions.append(visible)
    if query.kind is not None:
        conditions.append(BillingDocument.kind == query.kind)
    order = (BillingDocument.issued_on.desc(), BillingDocument.id.desc())
    return fetch_page(session, BillingDocument, conditions, order, query)


def get_document(session: Session, principal: Principal, document_id: int) -> BillingDocument:
    """Another family's document is a 404, like one that does not exist."""
    document = session.get(BillingDocument, document_id)
    if document is None or (
        principal.role is not Role.ADMIN and document.family_id != principal.user_id
    ):
        raise NotFound(_("Billing document not found."))
    return document


def credited_number(session: Session, document: BillingDocument) -> str | None:
    if document.credits_id is None:
        return None
    return session.get_one(BillingDocument, document.credits_id).number
