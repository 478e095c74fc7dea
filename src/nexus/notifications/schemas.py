from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import MAX_ID, PageQuery, examples
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
