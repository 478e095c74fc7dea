from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import MAX_ID, InputModel, PageQuery, examples
from nexus.mail.models import MailStatus


class MailQuery(PageQuery):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"status": "dead"}))

    status: MailStatus | None = Field(default=None, description="pending, sent, dead, suppressed")
    to_user_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    sort: str = Field(default="-created_at", description="created_at or -created_at")


class MailPath(BaseModel):
    message_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 7})


class UnsubscribeQuery(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"token": "eyJ1Ijo..."}))

    token: str = Field(min_length=1, max_length=500)


class Unsubscribed(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {"message": "Vous ne recevrez plus ces e-mails.", "category": "sessions"}
        )
    )

    message: str
    category: str


class OutboxMessagePublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {
                "id": 7,
                "to_address": "lucas.moreau@example.fr",
                "to_user_id": 12,
                "template": "welcome",
                "category": "essential",
                "language": "fr",
                "subject": "Bienvenue sur Nexus Réussite, Lucas !",
                "message_id": "<3f2a...@nexus-reussite.fr>",
                "status": "dead",
                "attempts": 8,
                "next_attempt_at": "2026-12-04T09:00:00+00:00",
                "last_error": "SMTPRecipientsRefused: ...",
                "created_at": "2026-12-04T08:00:00+00:00",
                "sent_at": None,
            }
        ),
    )

    id: int
    to_address: str
    to_user_id: int | None
    template: str
    category: str
    language: str
    subject: str
    message_id: str
    status: MailStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
