"""The family's data as one JSON document (GDPR right of access and portability)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from nexus.accounts.models import AuthSession, User
from nexus.accounts.tokens import Principal
from nexus.aria.models import Conversation, StudyPlan, UsageRecord
from nexus.aria.safety.models import SafetyFlag
from nexus.assessments.models import Assessment
from nexus.audit.services import record
from nexus.billing.models import BillingDocument, Payment, Quote, TaxCertificate
from nexus.db import utcnow
from nexus.families.models import SessionReport, Thread, ThreadMessage
from nexus.notifications.models import Notification
from nexus.offers.models import Enrollment
from nexus.people.models import ParentLink, StudentProfile
from nexus.privacy import family
from nexus.privacy.schemas import (
    ExportedAccount,
    ExportedAriaConversation,
    ExportedAriaFlag,
    ExportedAriaUsage,
    ExportedAssessment,
    ExportedBillingDocument,
    ExportedBooking,
    ExportedEnrollment,
    ExportedLink,
    ExportedNotification,
    ExportedPayment,
    ExportedProfile,
    ExportedQuote,
    ExportedSession,
    ExportedSessionReport,
    ExportedStudyPlan,
    ExportedTaxCertificate,
    ExportedThread,
    ExportedThreadMessage,
    FamilyExport,
    PersonExport,
)
from nexus.scheduling.models import Booking, TutoringSession

Row = TypeVar("Row")

# The rows exported as they are: PersonExport's field → (model, its owner column, the shape).
OWNED: dict[str, tuple[type[Any], Any, type[BaseModel]]] = {
    "enrollments": (Enrollment, Enrollment.student_id, ExportedEnrollment),
    "assessments": (Assessment, Assessment.student_id, ExportedAssessment),
    "notifications": (Notification, Notification.user_id, ExportedNotification),
    "sign_in_sessions": (AuthSession, AuthSession.user_id, ExportedSession),
    "billing_documents": (BillingDocument, BillingDocument.family_id, ExportedBillingDocument),
    "billing_payments": (Payment, Payment.family_id, ExportedPayment),
    "billing_quotes": (Quote, Quote.family_id, ExportedQuote),
    "tax_certificates": (TaxCertificate, TaxCertificate.family_id, ExportedTaxCertificate),
    "session_reports": (SessionReport, SessionReport.student_id, ExportedSessionReport),
    "aria_study_plans": (StudyPlan, StudyPlan.student_id, ExportedStudyPlan),
    "aria_usage": (UsageRecord, UsageRecord.user_id, ExportedAriaUsage),
}


def _owned(
    session: Session,
    model: type[Row],
    owner: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
    ids: list[int],
    *options: Any,
) -> dict[int, list[Row]]:
    """The rows of ``model`` whose ``owner`` column is one of ``ids``, by owner, oldest first."""
    order = inspect(model).primary_key
    statement = select(model).where(owner.in_(ids)).order_by(*order).options(*options)
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in session.scalars(statement):
        grouped[getattr(row, owner.key)].append(row)
    return grouped


def export_family(session: Session, principal: Principal) -> FamilyExport:
    requester = family.subject_account(session, principal.user_id)
    family.ensure_may_request(session, requester)
    ids = family.family_of(session, requester)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    profiles = {
        p.user_id: p
        for p in session.scalars(select(StudentProfile).where(StudentProfile.user_id.in_(ids)))
    }
    links = session.scalars(
        select(ParentLink).where(or_(ParentLink.parent_id.in_(ids), ParentLink.student_id.in_(ids)))
    ).all()
    owned = {
        field: _owned(session, model, owner, ids) for field, (model, owner, _shape) in OWNED.items()
    }
    bookings = _bookings(session, ids)
    messages = selectinload(Conversation.messages)
    conversations = _owned(session, Conversation, Conversation.user_id, ids, messages)
    flags = _owned(session, SafetyFlag, SafetyFlag.student_id, ids)
    # What a child said of their family's abuse is not handed to the family (GDPR art. 15(4)).
    withheld = {
        f.conversation_id
        for user_id, owned in flags.items()
        if user_id != requester.id
        for f in owned
        if f.family_involved
    }
    threads = _threads(session, ids)
    people = [
        PersonExport(
            relationship="self" if user_id == requester.id else "child",
            account=ExportedAccount.model_validate(users[user_id]),
            student_profile=(
                ExportedProfile.model_validate(profiles[user_id]) if user_id in profiles else None
            ),
            parent_links=[
                ExportedLink.model_validate(link)
                for link in links
                if user_id in (link.parent_id, link.student_id)
            ],
            **{
                field: [shape.model_validate(row) for row in owned[field][user_id]]
                for field, (_model, _owner, shape) in OWNED.items()
            },
            bookings=bookings[user_id],
            message_threads=threads[user_id],
            aria_conversations=[
                ExportedAriaConversation.model_validate(c)
                for c in conversations[user_id]
                if c.id not in withheld
            ],
            aria_safety_flags=[
                ExportedAriaFlag.model_validate(f)
                for f in flags[user_id]
                if f.conversation_id not in withheld
            ],
        )
        for user_id in ids
    ]
    record(session, requester.id, "privacy.export", "user", requester.id, {"user_ids": ids})
    return FamilyExport(generated_at=utcnow(), requested_by=requester.id, people=people, other={})


def _threads(session: Session, ids: list[int]) -> dict[int, list[ExportedThread]]:
    """The threads each parent opened, with every message (the teachers' replies too)."""
    opened = _owned(session, Thread, Thread.parent_id, ids)
    thread_ids = [thread.id for owned in opened.values() for thread in owned]
    messages = _owned(session, ThreadMessage, ThreadMessage.thread_id, thread_ids)
    return defaultdict(
        list,
        {
            parent_id: [
                ExportedThread(
                    id=thread.id,
                    teacher_id=thread.teacher_id,
                    student_id=thread.student_id,
                    subject=thread.subject,
                    created_at=thread.created_at,
                    messages=[ExportedThreadMessage.model_validate(m) for m in messages[thread.id]],
                )
                for thread in owned
            ]
            for parent_id, owned in opened.items()
        },
    )


def _bookings(session: Session, ids: list[int]) -> dict[int, list[ExportedBooking]]:
    rows = session.execute(
        select(
            Booking, TutoringSession.subject, TutoringSession.starts_at, TutoringSession.teacher_id
        )
        .join(TutoringSession, TutoringSession.id == Booking.session_id)
        .where(Booking.student_id.in_(ids))
        .order_by(TutoringSession.starts_at, Booking.id)
    )
    result: dict[int, list[ExportedBooking]] = defaultdict(list)
    for booking, subject, starts_at, teacher_id in rows:
        result[booking.student_id].append(
            ExportedBooking(
                id=booking.id,
                session_id=booking.session_id,
                subject=str(subject),
                starts_at=starts_at,
                teacher_id=teacher_id,
                status=str(booking.status),
                attendance=str(booking.attendance) if booking.attendance else None,
                minutes_charged=booking.minutes_charged,
                created_at=booking.created_at,
            )
        )
    return result
