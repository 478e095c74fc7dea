"""Erasure (GDPR right to be forgotten) that keeps the accounting consistent.

Personal data is erased or anonymised: names become "Élève supprimé" / "Parent supprimé",
the e-mail ``deleted-<id>@invalid``, the password hash unusable, profiles' free text and birth
date cleared, assessment comments cleared, notifications and parent links deleted, sign-in
sessions revoked, and everything ARIA kept deleted: conversations with their messages, study
plans, the usage ledger (a plan someone in the family made for another student keeps the plan
but loses its author). Enrollments (amounts, hours) and bookings stay, linked to the anonymised
accounts, so revenue and hour balances do not change. The audit log keeps who asked, when.
"""

from __future__ import annotations

import secrets

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from nexus.accounts import tokens
from nexus.accounts.models import AccountToken, AuthSession, User
from nexus.accounts.roles import Role
from nexus.aria.models import Conversation, Message, StudyPlan, UsageRecord
from nexus.assessments.models import Assessment
from nexus.audit.services import record
from nexus.billing.models import BillingDocument, Payment
from nexus.db import Base, deleted_rows
from nexus.families.models import SessionReport, Thread, ThreadMessage
from nexus.notifications.models import Notification
from nexus.offers.models import Enrollment
from nexus.people.models import ParentLink, StudentProfile
from nexus.privacy import family
from nexus.privacy.schemas import ErasureResult
from nexus.scheduling.models import Booking

UNUSABLE_PASSWORD = "!erased"  # not an argon2 hash: verification always fails
ERASED_DOMAIN = "invalid"


def erase_own_family(session: Session, user_id: int) -> ErasureResult:
    """The signed-in parent or adult student erases their family's personal data."""
    user = family.subject_account(session, user_id)
    family.ensure_may_request(session, user)
    return _erase(session, user, actor_id=user_id, action="privacy.erasure")


def erase_on_behalf(session: Session, admin_id: int, user_id: int) -> ErasureResult:
    """An administrator carries out an erasure request received another way (mail, letter)."""
    user = family.subject_account(session, user_id)
    return _erase(session, user, actor_id=admin_id, action="admin.privacy_erasure")


def _erase(session: Session, user: User, *, actor_id: int, action: str) -> ErasureResult:
    ids = family.erasure_targets(session, user)
    for account in session.scalars(select(User).where(User.id.in_(ids))):
        account.first_name = "Élève" if account.role is Role.STUDENT else "Parent"
        account.last_name = "supprimé"
        account.email = f"deleted-{account.id}@{ERASED_DOMAIN}"
        account.password_hash = UNUSABLE_PASSWORD
        account.postal_address = ""  # the invoices issued keep their own copy
        account.is_active = False
    for profile in session.scalars(select(StudentProfile).where(StudentProfile.user_id.in_(ids))):
        profile.goals = ""
        profile.learning_preferences = {}
        profile.birth_date = None
        profile.exam_date = None
        profile.invitation_code = secrets.token_hex(8).upper()
    session.execute(update(Assessment).where(Assessment.student_id.in_(ids)).values(comment=""))
    session.execute(delete(Notification).where(Notification.user_id.in_(ids)))
    # Pending e-mailed links, and the new address an e-mail change would move to.
    session.execute(delete(AccountToken).where(AccountToken.user_id.in_(ids)))
    session.execute(
        delete(ParentLink).where(or_(ParentLink.parent_id.in_(ids), ParentLink.student_id.in_(ids)))
    )
    live = session.scalars(
        select(AuthSession.id).where(AuthSession.user_id.in_(ids), AuthSession.revoked_at.is_(None))
    ).all()
    for session_id in live:
        tokens.revoke_family(session, session_id, reason="erased")
    aria = {**_erase_aria(session, ids), **_erase_exchanges(session, ids)}
    kept_enrollments = _count(session, Enrollment.student_id.in_(ids), Enrollment)
    kept_bookings = _count(session, Booking.student_id.in_(ids), Booking)
    kept_billing = {
        "kept_billing_documents": _count(
            session, BillingDocument.family_id.in_(ids), BillingDocument
        ),
        "kept_billing_payments": _count(session, Payment.family_id.in_(ids), Payment),
    }
    session.flush()
    record(
        session,
        actor_id,
        action,
        "user",
        user.id,
        {
            "erased_user_ids": ids,
            "kept_enrollments": kept_enrollments,
            "kept_bookings": kept_bookings,
            **kept_billing,
            **aria,
        },
    )
    return ErasureResult(
        erased_user_ids=ids,
        kept_enrollments=kept_enrollments,
        kept_bookings=kept_bookings,
        **kept_billing,
        **aria,
        message="Les données personnelles ont été effacées ; la comptabilité est conservée.",
    )


def _erase_exchanges(session: Session, ids: list[int]) -> dict[str, int]:
    """Delete the session reports about these students and the threads their parents opened
    or that are about them, with every message in them (the teachers' replies included)."""
    reports = deleted_rows(session, delete(SessionReport).where(SessionReport.student_id.in_(ids)))
    threads = select(Thread.id).where(or_(Thread.parent_id.in_(ids), Thread.student_id.in_(ids)))
    session.execute(delete(ThreadMessage).where(ThreadMessage.thread_id.in_(threads)))
    erased_threads = deleted_rows(
        session,
        delete(Thread).where(or_(Thread.parent_id.in_(ids), Thread.student_id.in_(ids))),
    )
    return {"erased_session_reports": reports, "erased_message_threads": erased_threads}


def _erase_aria(session: Session, ids: list[int]) -> dict[str, int]:
    """Delete ARIA's rows about these people; the counts go to the audit log and the answer."""
    usage = deleted_rows(session, delete(UsageRecord).where(UsageRecord.user_id.in_(ids)))
    conversations = select(Conversation.id).where(Conversation.user_id.in_(ids))
    session.execute(delete(Message).where(Message.conversation_id.in_(conversations)))
    chats = deleted_rows(session, delete(Conversation).where(Conversation.user_id.in_(ids)))
    plans = deleted_rows(session, delete(StudyPlan).where(StudyPlan.student_id.in_(ids)))
    session.execute(
        update(StudyPlan).where(StudyPlan.created_by_id.in_(ids)).values(created_by_id=None)
    )
    return {
        "erased_aria_conversations": chats,
        "erased_aria_study_plans": plans,
        "erased_aria_usage": usage,
    }


def _count(session: Session, condition: ColumnElement[bool], model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(condition)) or 0
