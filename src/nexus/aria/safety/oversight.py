"""What the adults around a student may read of their ARIA conversations.

"Flagged" means flagged from medium severity (what notified them).

* A **parent** of the student reads their flagged conversations; while the child is a minor
  (``nexus.people.ages``: under 18, or birth date unknown) and the parent link's
  ``reads_aria_conversations`` is on (the default), all of them.
* A **teacher** of the student, and an **administrator**, read the flagged ones only.
* A conversation where the student disclosed abuse naming their family or home
  (``SafetyFlag.family_involved``) is never shown to a parent, whatever the setting.
* Anyone else: 404, as for a student they may not see.

Every list and every reading is written in the audit log (``aria.conversations_listed``,
``aria.conversation_read``): no one but the student reads a conversation unrecorded.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.schemas import PageQuery
from nexus.aria.models import Conversation
from nexus.aria.safety.models import SafetyFlag
from nexus.aria.safety.verdicts import Severity
from nexus.aria.schemas.safety import (
    FamilyAccessPublic,
    FlagPublic,
    WatchedConversation,
    WatchedConversationDetail,
    WatchedConversationPage,
)
from nexus.aria.services import conversations_page, message_public
from nexus.audit.services import record
from nexus.errors import NotFound
from nexus.language import _
from nexus.people.access import ensure_can_view_student
from nexus.people.ages import birth_dates, is_adult
from nexus.people.models import ParentLink


def _link(session: Session, parent_id: int, student_id: int) -> ParentLink | None:
    return session.scalars(
        select(ParentLink).where(
            ParentLink.parent_id == parent_id, ParentLink.student_id == student_id
        )
    ).one_or_none()


def _is_minor(session: Session, student_id: int) -> bool:
    return not is_adult(birth_dates(session, [student_id])[student_id])


def reads_all(session: Session, principal: Principal, student_id: int) -> bool:
    """Whether the caller (already allowed to see the student) reads every conversation."""
    if principal.role is not Role.PARENT:
        return False
    link = _link(session, principal.user_id, student_id)
    return link is not None and link.reads_aria_conversations and _is_minor(session, student_id)


def _visible(session: Session, principal: Principal, student_id: int) -> ColumnElement[bool]:
    ensure_can_view_student(session, principal, student_id)
    own = Conversation.user_id == student_id
    if principal.role is Role.PARENT:  # never what the child said of their family's abuse
        own = own & Conversation.id.not_in(
            select(SafetyFlag.conversation_id).where(
                SafetyFlag.student_id == student_id, SafetyFlag.family_involved.is_(True)
            )
        )
    if reads_all(session, principal, student_id):
        return own
    # A low flag (personal data, nobody notified) opens nothing to the adults.
    flagged = select(SafetyFlag.conversation_id).where(
        SafetyFlag.student_id == student_id, SafetyFlag.severity != Severity.LOW
    )
    return own & Conversation.id.in_(flagged)


def _flag_counts(session: Session, conversation_ids: list[int]) -> dict[int, int]:
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(SafetyFlag.conversation_id, func.count(SafetyFlag.id))
        .where(SafetyFlag.conversation_id.in_(conversation_ids))
        .group_by(SafetyFlag.conversation_id)
    )
    return {conversation_id: int(n) for conversation_id, n in rows}


def list_student_conversations(
    session: Session, principal: Principal, student_id: int, page: PageQuery
) -> WatchedConversationPage:
    visible = _visible(session, principal, student_id)
    rows, total = conversations_page(session, visible, Conversation.updated_at.desc(), page)
    flags = _flag_counts(session, [c.id for c, _n in rows])
    record(
        session,
        principal.user_id,
        "aria.conversations_listed",
        "user",
        student_id,
        {"conversation_ids": [c.id for c, _n in rows], "page": page.page},
    )
    items = (
        WatchedConversation(
            id=c.id,
            title=c.title,
            message_count=n,
            flag_count=flags.get(c.id, 0),
            created_at=c.created_at,
            updated_at=c.updated_at,
        )
        for c, n in rows
    )
    return WatchedConversationPage.of(items, page, total)


def read_student_conversation(
    session: Session, principal: Principal, student_id: int, conversation_id: int
) -> WatchedConversationDetail:
    visible = _visible(session, principal, student_id)
    conversation = session.scalars(
        select(Conversation)
        .where(visible, Conversation.id == conversation_id)
        .options(selectinload(Conversation.messages))
    ).one_or_none()
    if conversation is None:
        raise NotFound(_("Conversation not found."))
    flags = session.scalars(
        select(SafetyFlag)
        .where(SafetyFlag.conversation_id == conversation.id)
        .order_by(SafetyFlag.id)
    ).all()
    record(
        session,
        principal.user_id,
        "aria.conversation_read",
        "aria_conversation",
        conversation.id,
        {"student_id": student_id, "flagged": bool(flags)},
    )
    return WatchedConversationDetail(
        id=conversation.id,
        title=conversation.title,
        message_count=len(conversation.messages),
        flag_count=len(flags),
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        messages=[message_public(m) for m in conversation.messages],
        flags=[
            FlagPublic(
                id=f.id,
                conversation_id=f.conversation_id,
                message_id=f.message_id,
                category=f.category,
                severity=f.severity,
                categories=f.categories,
                screener=f.screener,
                created_at=f.created_at,
            )
            for f in flags
        ],
    )


def set_family_access(
    session: Session, principal: Principal, student_id: int, reads: bool
) -> FamilyAccessPublic:
    """A parent turns on or off their reading of all of a minor child's conversations."""
    link = _link(session, principal.user_id, student_id)
    if link is None:
        raise NotFound(_("Student not found."))
    link.reads_aria_conversations = reads
    session.flush()
    record(
        session,
        principal.user_id,
        "aria.family_access_set",
        "user",
        student_id,
        {"reads_aria_conversations": reads},
    )
    return FamilyAccessPublic(
        student_id=student_id,
        reads_aria_conversations=reads,
        applies=_is_minor(session, student_id),
    )
