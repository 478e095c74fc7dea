"""GDPR: the family's data export and the erasure request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nexus.accounts.roles import Role
from nexus.api.schemas import InputModel

_ORM = ConfigDict(from_attributes=True)


class ErasureRequest(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"confirm": "SUPPRIMER"}]}
    )

    confirm: Literal["SUPPRIMER"] = Field(description='Type "SUPPRIMER" to confirm')


class ErasureResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "erased_user_ids": [7, 12],
                    "kept_enrollments": 2,
                    "kept_bookings": 14,
                    "message": "Les données personnelles ont été effacées.",
                }
            ]
        }
    )

    erased_user_ids: list[int]
    kept_enrollments: int = Field(description="Kept for accounting, linked to anonymised accounts")
    kept_bookings: int
    erased_aria_conversations: int = Field(default=0, description="With all their messages")
    erased_aria_study_plans: int = 0
    erased_aria_usage: int = 0
    kept_billing_documents: int = Field(
        default=0, description="Invoices and credit notes: accounting records, kept intact"
    )
    kept_billing_payments: int = 0
    erased_session_reports: int = 0
    erased_message_threads: int = Field(default=0, description="With all their messages")
    message: str


class UserPath(BaseModel):
    user_id: int = Field(ge=1, le=2**31 - 1)


class ExportedAccount(BaseModel):
    model_config = _ORM

    id: int
    email: str
    role: Role
    first_name: str
    last_name: str
    is_active: bool
    postal_address: str = ""
    created_at: datetime
    last_login_at: datetime | None


class ExportedProfile(BaseModel):
    model_config = _ORM

    level: str
    specialties: list[str]
    goals: str
    exam_date: date | None
    learning_preferences: dict[str, Any]
    birth_date: date | None
    created_at: datetime


class ExportedLink(BaseModel):
    model_config = _ORM

    parent_id: int
    student_id: int
    created_at: datetime


class ExportedEnrollment(BaseModel):
    model_config = _ORM

    id: int
    offer_id: int
    status: str
    minutes_bought: int
    minutes_used: int
    price_paid_cents: int
    created_at: datetime


class ExportedBooking(BaseModel):
    id: int
    session_id: int
    subject: str
    starts_at: datetime
    teacher_id: int
    status: str
    attendance: str | None
    minutes_charged: int
    created_at: datetime


class ExportedAssessment(BaseModel):
    model_config = _ORM

    id: int
    teacher_id: int | None
    subject: str
    chapter: str
    score: float
    max_score: float
    assessed_on: date
    comment: str
    created_at: datetime


class ExportedNotification(BaseModel):
    model_config = _ORM

    id: int
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    read_at: datetime | None
    created_at: datetime


class ExportedSession(BaseModel):
    model_config = _ORM

    id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class ExportedAriaMessage(BaseModel):
    model_config = _ORM

    id: int
    role: str
    content: str
    citations: list[dict[str, Any]]
    offline: bool
    created_at: datetime


class ExportedAriaConversation(BaseModel):
    model_config = _ORM

    id: int
    title: str
    created_at: datetime
    updated_at: datetime
    messages: list[ExportedAriaMessage]


class ExportedSessionReport(BaseModel):
    model_config = _ORM

    id: int
    session_id: int
    teacher_id: int
    work_done: str
    homework: str
    mark: float | None
    created_at: datetime
    updated_at: datetime


class ExportedThreadMessage(BaseModel):
    model_config = _ORM

    id: int
    author_id: int
    body: str
    created_at: datetime


class ExportedThread(BaseModel):
    model_config = _ORM

    id: int
    teacher_id: int
    student_id: int
    subject: str
    created_at: datetime
    messages: list[ExportedThreadMessage]


class ExportedBillingDocument(BaseModel):
    model_config = _ORM

    id: int
    kind: str
    number: str
    credits_id: int | None
    buyer_name: str
    buyer_address: str
    issued_on: date
    due_on: date
    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int
    eligible_cents: int


class ExportedQuote(BaseModel):
    model_config = _ORM

    id: int
    number: str
    student_id: int | None
    offer_id: int | None
    buyer_name: str
    issued_on: date
    valid_until: date
    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int


class ExportedTaxCertificate(BaseModel):
    model_config = _ORM

    id: int
    year: int
    amount_cents: int
    issued_on: date
    sha256: str


class ExportedPayment(BaseModel):
    model_config = _ORM

    id: int
    document_id: int
    amount_cents: int
    method: str
    received_on: date
    reference: str
    reverses_id: int | None


class ExportedAriaFlag(BaseModel):
    model_config = _ORM

    id: int
    conversation_id: int
    message_id: int
    category: str
    severity: str
    categories: list[str]
    screener: str
    family_involved: bool
    created_at: datetime


class ExportedStudyPlan(BaseModel):
    model_config = _ORM

    id: int
    created_by_id: int | None
    starts_on: date
    exam_date: date | None
    summary: str
    weeks: list[dict[str, Any]]
    created_at: datetime


class ExportedAriaUsage(BaseModel):
    model_config = _ORM

    day: date
    kind: str
    provider: str
    offline: bool
    prompt_tokens: int
    completion_tokens: int
    created_at: datetime


class PersonExport(BaseModel):
    relationship: Literal["self", "child"]
    account: ExportedAccount
    student_profile: ExportedProfile | None
    parent_links: list[ExportedLink]
    enrollments: list[ExportedEnrollment]
    bookings: list[ExportedBooking]
    assessments: list[ExportedAssessment]
    notifications: list[ExportedNotification]
    sign_in_sessions: list[ExportedSession]
    billing_documents: list[ExportedBillingDocument] = Field(
        default_factory=list,
        description="Invoices and credit notes billed to them (kept 10 years: never erased)",
    )
    tax_certificates: list[ExportedTaxCertificate] = Field(
        default_factory=list, description="Attestations fiscales issued to them (the PDF: billing)"
    )
    billing_quotes: list[ExportedQuote] = Field(
        default_factory=list, description="Quotes (devis) made to them"
    )
    billing_payments: list[ExportedPayment] = Field(
        default_factory=list, description="Payments they made (kept with the invoices)"
    )
    session_reports: list[ExportedSessionReport] = Field(
        default_factory=list, description="The teachers' reports after their sessions"
    )
    message_threads: list[ExportedThread] = Field(
        default_factory=list, description="Threads this parent opened with teachers"
    )
    aria_conversations: list[ExportedAriaConversation] = Field(
        description="Conversations with ARIA, each with its messages"
    )
    aria_safety_flags: list[ExportedAriaFlag] = Field(
        description=(
            "The safety screen's flags on their messages. A conversation where a child "
            "disclosed abuse naming their family is left out of a parent's export (GDPR art. "
            "15(4)): the child's own export has it"
        )
    )
    aria_study_plans: list[ExportedStudyPlan] = Field(description="Study plans built for them")
    aria_usage: list[ExportedAriaUsage] = Field(description="The ledger of ARIA's answers")


class FamilyExport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "generated_at": "2026-11-26T09:00:00+00:00",
                    "requested_by": 7,
                    "people": [],
                    "other": {},
                }
            ]
        }
    )

    generated_at: datetime
    requested_by: int
    people: list[PersonExport] = Field(description="The requester, then each linked child")
    other: dict[str, list[dict[str, Any]]] = Field(
        description="Sections of features not listed per person (none today; kept for clients)"
    )
