"""Every mapped model, imported so Alembic and the tests see the whole schema."""

from nexus.accounts.models import AuthSession, RefreshToken, User
from nexus.aria.models import Conversation, Message, StudyPlan, UsageRecord
from nexus.aria.safety.models import SafetyFlag
from nexus.assessments.models import Assessment
from nexus.audit.models import AuditEntry
from nexus.billing.models import (
    BillingDocument,
    DocumentCounter,
    DocumentLine,
    Payment,
    PaymentReminder,
    Quote,
    QuoteDecision,
    QuoteLine,
)
from nexus.content.models import ContentItem
from nexus.db import Base
from nexus.families.models import SessionReport, Thread, ThreadMessage
from nexus.mail.models import OutboxMessage
from nexus.notifications.models import Notification
from nexus.offers.models import Enrollment, Offer
from nexus.people.models import ParentLink, StudentProfile, TeacherProfile
from nexus.scheduling.models import Booking, CalendarFeed, TutoringSession

__all__ = [
    "Assessment",
    "AuditEntry",
    "AuthSession",
    "Base",
    "BillingDocument",
    "Booking",
    "CalendarFeed",
    "ContentItem",
    "DocumentCounter",
    "DocumentLine",
    "Conversation",
    "Enrollment",
    "Message",
    "Notification",
    "Offer",
    "Quote",
    "QuoteDecision",
    "QuoteLine",
    "OutboxMessage",
    "ParentLink",
    "Payment",
    "PaymentReminder",
    "RefreshToken",
    "SessionReport",
    "SafetyFlag",
    "StudentProfile",
    "StudyPlan",
    "TeacherProfile",
    "Thread",
    "ThreadMessage",
    "TutoringSession",
    "UsageRecord",
    "User",
]
