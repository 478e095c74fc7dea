from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import MAX_ID, InputModel, PageQuery, examples
from nexus.notifications.models import NotificationKind


class NotificationQuery(PageQuery):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"unread_only": True}))

    unread_only: bool = Field(default=False, description="Only the notifications not yet read")


class NotificationPath(BaseModel):
    notification_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 42})


class NotificationPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {
                "id": 42,
                "kind": "session_booked",
                "title": "Séance réservée : Mathématiques le mardi 3 décembre à 17 h 00",
                "body": "Lucas Moreau a réservé la séance avec Sophie Bernard (en ligne).",
                "data": {"session_id": 12, "booking_id": 31},
                "read_at": None,
                "created_at": "2026-11-28T09:15:00+00:00",
            }
        ),
    )

    id: int
    kind: NotificationKind
    title: str
    body: str
    data: dict[str, Any]
    read_at: datetime | None
    created_at: datetime


class UnreadCount(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples({"unread": 3}))

    unread: int = Field(ge=0)


class MarkedRead(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples({"marked": 3}))

    marked: int = Field(ge=0, description="How many notifications this call marked read")


class CategoryPreference(BaseModel):
    category: str = Field(description="sessions, reports, messages or billing")
    in_app: bool
    email: bool


class PreferencesPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "preferences": [
                    {"category": "sessions", "in_app": True, "email": True},
                    {"category": "reports", "in_app": True, "email": False},
                ],
                "always_sent": "essential",
            }
        )
    )

    preferences: list[CategoryPreference]
    always_sent: str = Field(
        description="Account security, ARIA's safety flags and alerts: cannot be turned off",
    )


class PreferenceChange(InputModel):
    category: Literal["sessions", "reports", "messages", "billing"]
    in_app: bool | None = None
    email: bool | None = None


class PreferencesUpdate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples({"preferences": [{"category": "reports", "email": False}]}),
    )

    preferences: list[PreferenceChange] = Field(min_length=1, max_length=8)
