"""The audit log: what administrators (and GDPR requests) did to accounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nexus.api.pagination import fetch_page, sort_order
from nexus.audit.models import AuditEntry
from nexus.audit.schemas import AuditQuery

SORTS = {
    "created_at": (AuditEntry.created_at.asc(), AuditEntry.id.asc()),
    "-created_at": (AuditEntry.created_at.desc(), AuditEntry.id.desc()),
}


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: int | None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; it is written with the request's transaction (or not at all)."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )
    session.add(entry)
    session.flush()
    return entry


def list_entries(session: Session, query: AuditQuery) -> tuple[list[AuditEntry], int]:
    order = sort_order(SORTS, query.sort)
    conditions = []
    if query.action is not None:
        conditions.append(AuditEntry.action == query.action)
    if query.actor_id is not None:
        conditions.append(AuditEntry.actor_id == query.actor_id)
    if query.target_type is not None:
        conditions.append(AuditEntry.target_type == query.target_type)
    if query.target_id is not None:
        conditions.append(AuditEntry.target_id == query.target_id)
    return fetch_page(session, AuditEntry, conditions, order, query)
