"""The flags an adult was told of, newest first: the inbox behind the safety notifications.

Parents see their children's, teachers their students' (``nexus.people.access``), the
administrators everyone's; low flags (personal data, nobody notified) are not listed, and a
parent never sees a flag on a disclosure naming the family (``SafetyFlag.family_involved``).
A flag says who, when and what kind of concern, never the student's words: reading those is
opening the conversation (``nexus.aria.safety.oversight``), which is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_counted_page
from nexus.aria.safety.models import SafetyFlag
from nexus.aria.safety.verdicts import Severity
from nexus.aria.schemas.safety import FlagInboxPage, FlagInboxQuery, InboxFlag
from nexus.people.access import ensure_can_view_student, visible_student_ids


def list_flags(session: Session, principal: Principal, query: FlagInboxQuery) -> FlagInboxPage:
    statement = (
        select(SafetyFlag)
        .where(SafetyFlag.severity != Severity.LOW)
        .order_by(SafetyFlag.created_at.desc(), SafetyFlag.id.desc())
    )
    if query.student_id is not None:
        ensure_can_view_student(session, principal, query.student_id)
        statement = statement.where(SafetyFlag.student_id == query.student_id)
    students = visible_student_ids(session, principal)
    if students is not None:
        statement = statement.where(SafetyFlag.student_id.in_(students))
    if principal.role is Role.PARENT:
        statement = statement.where(SafetyFlag.family_involved.is_(False))
    if query.severity is not None:
        statement = statement.where(SafetyFlag.severity == query.severity)
    rows, total = fetch_counted_page(session, statement, query)
    names = {
        user_id: f"{first} {last}".strip()
        for user_id, first, last in session.execute(
            select(User.id, User.first_name, User.last_name).where(
                User.id.in_({f.student_id for f in rows})
            )
        )
    }
    items = (
        InboxFlag(
            id=f.id,
            student_id=f.student_id,
            student_name=names.get(f.student_id, ""),
            conversation_id=f.conversation_id,
            message_id=f.message_id,
            category=f.category,
            severity=f.severity,
            categories=f.categories,
            screener=f.screener,
            family_involved=f.family_involved,
            created_at=f.created_at,
        )
        for f in rows
    )
    return FlagInboxPage.of(items, query, total)
