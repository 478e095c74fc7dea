from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import PageQuery


class AuditQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"action": "privacy.erasure", "sort": "-created_at"}]},
    )

    action: str | None = Field(default=None, max_length=64)
    actor_id: int | None = Field(default=None, ge=1)
    target_type: str | None = Field(default=None, max_length=64)
    target_id: int | None = Field(default=None, ge=1)
    sort: str = Field(default="-created_at", description="created_at or -created_at")


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "actor_id": 1,
                    "action": "privacy.erasure",
                    "target_type": "user",
                    "target_id": 12,
                    "details": {"erased_user_ids": [12, 13]},
                    "created_at": "2026-11-26T09:00:00+00:00",
                }
            ]
        },
    )

    id: int
    actor_id: int | None
    action: str
    target_type: str
    target_id: int | None
    details: dict[str, Any]
    created_at: datetime
