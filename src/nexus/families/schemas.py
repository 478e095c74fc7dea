"""Session reports and parent–teacher threads: requests and responses.

Texts are stripped of surrounding blanks before their bounds are checked: an all-blank text is
empty, and refused where a text is required.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nexus.api.schemas import MAX_ID, NULLABLE, InputModel, PageQuery, examples
from nexus.content.vocabulary import Subject
from nexus.language import _
from nexus.scheduling.schemas import PERSON, PersonRef

MAX_WORK_DONE = 5000
MAX_HOMEWORK = 3000
MAX_SUBJECT = 200
MAX_BODY = 5000

REPORT_IN: dict[str, Any] = {
    "work_done": "Révision des suites géométriques, deux exercices du bac 2024.",
    "homework": "Exercices 12 et 14 p. 87 pour jeudi.",
    "mark": 14.5,
}
REPORT_OUT: dict[str, Any] = {
    "id": 7,
    "session_id": 12,
    "session_title": "Suites et récurrence",
    "subject": "mathematiques",
    "session_starts_at": "2026-12-01T16:00:00Z",
    "student": {"id": 12, "first_name": "Lucas", "last_name": "Moreau"},
    "teacher": PERSON,
    **REPORT_IN,
    "created_at": "2026-12-01T18:00:00Z",
    "updated_at": "2026-12-01T18:05:00Z",
}
THREAD_IN: dict[str, Any] = {
    "teacher_id": 3,
    "student_id": 12,
    "subject": "Devoirs de mathématiques",
    "body": "Bonjour, Lucas peine sur les suites : que lui conseillez-vous ?",
}


class ReportPath(BaseModel):
    session_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 12})
    student_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 12})


class ReportWrite(InputModel):
    """The whole report (PUT replaces it): what was done, the homework, an optional mark."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=examples(REPORT_IN)
    )

    work_done: str = Field(min_length=1, max_length=MAX_WORK_DONE)
    homework: str = Field(default="", max_length=MAX_HOMEWORK)
    mark: Annotated[float | None, NULLABLE] = Field(
        default=None, ge=0, le=20, description="Out of 20, at most two decimals; null: none"
    )

    @field_validator("mark", mode="before")
    @classmethod
    def _a_number(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(_("Input should be a valid number"))
        return value

    @field_validator("mark")
    @classmethod
    def _two_decimals(cls, value: float | None) -> float | None:
        if value is not None and abs(round(value, 2) - value) > 1e-9:
            raise ValueError(_("a mark has at most two decimals"))
        return value


class ReportPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples(REPORT_OUT))

    id: int
    session_id: int
    session_title: str
    subject: Subject
    session_starts_at: datetime
    student: PersonRef
    teacher: PersonRef
    work_done: str
    homework: str
    mark: float | None
    created_at: datetime
    updated_at: datetime


class ReportQuery(PageQuery):
    """Newest first (by the session's start)."""


class ThreadPath(BaseModel):
    thread_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 5})


class ThreadCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=examples(THREAD_IN)
    )

    teacher_id: int = Field(ge=1, le=MAX_ID, description="One of the child's teachers")
    student_id: int = Field(ge=1, le=MAX_ID, description="One of the caller's children")
    subject: str = Field(min_length=1, max_length=MAX_SUBJECT)
    body: str = Field(min_length=1, max_length=MAX_BODY, description="The first message")


class MessageCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra=examples({"body": "Merci, je lui en parle ce soir."}),
    )

    body: str = Field(min_length=1, max_length=MAX_BODY)


class ThreadMessagePublic(BaseModel):
    id: int
    author_id: int
    body: str
    created_at: datetime


class ThreadSummary(BaseModel):
    id: int
    subject: str
    parent: PersonRef
    teacher: PersonRef
    student: PersonRef
    created_at: datetime
    last_message_at: datetime
    unread: int = Field(description="The other participant's messages the caller has not read")


class ThreadDetail(ThreadSummary):
    messages: list[ThreadMessagePublic] = Field(description="Oldest first")


class ThreadPage(BaseModel):
    items: list[ThreadSummary]
    page: int = Field(examples=[1])
    page_size: int = Field(examples=[20])
    total: int = Field(examples=[3])
    unread: int = Field(description="Unread messages across all the caller's threads")


class ThreadUnreadCount(BaseModel):
    unread: int = Field(examples=[2])
