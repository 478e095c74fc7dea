"""What each role's dashboard shows. Times in UTC plus ``*_local`` in Europe/Paris."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nexus.assessments.schemas.progress import GENERAL_AVERAGE, ChapterProgress, SubjectSummary
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.families.schemas import ReportPublic
from nexus.scheduling.models import SessionKind

SESSION_EXAMPLE: dict[str, Any] = {
    "session_id": 31,
    "title": "Suites et récurrence",
    "subject": "mathematiques",
    "subject_label": "Mathématiques",
    "level": "terminale",
    "kind": "individual",
    "starts_at": "2026-12-02T16:00:00+00:00",
    "starts_at_local": "2026-12-02T17:00:00+01:00",
    "ends_at": "2026-12-02T17:30:00+00:00",
    "teacher_id": 3,
    "teacher_name": "Sophie Bernard",
    "online_url": None,
    "room": "Salle 2",
    "student_id": 12,
    "student_name": "Lucas",
}


class UpcomingSession(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [SESSION_EXAMPLE]})

    session_id: int
    title: str
    subject: Subject
    subject_label: str
    level: Level
    kind: SessionKind
    starts_at: datetime
    starts_at_local: datetime
    ends_at: datetime
    teacher_id: int
    teacher_name: str
    online_url: str | None
    room: str | None
    student_id: int | None = Field(default=None, description="Whose booking (parent view)")
    student_name: str | None = None


class EnrollmentSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enrollment_id": 5,
                    "offer_name": "Pack 20 h individuel",
                    "minutes_bought": 1200,
                    "minutes_used": 450,
                    "minutes_remaining": 750,
                }
            ]
        }
    )

    enrollment_id: int
    offer_name: str
    minutes_bought: int
    minutes_used: int
    minutes_remaining: int


class RecommendedContent(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "content_id": 8,
                    "kind": "exercise",
                    "title": "Probabilités conditionnelles : " "arbres pondérés",
                    "subject": "mathematiques",
                    "level": "terminale",
                    "chapter": "Probabilités conditionnelles",
                    "difficulty": 2,
                    "summary": "",
                    "reason": "Chapitre à retravailler : Probabilités conditionnelles (8,5/20)",
                }
            ]
        }
    )

    content_id: int
    kind: ContentKind
    title: str
    subject: Subject
    level: Level
    chapter: str
    difficulty: int
    summary: str
    reason: str = Field(description="Why it is suggested (French, shown as is)")


class StudentDashboard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "student_id": 12,
                    "student_name": "Lucas Moreau",
                    "level": "terminale",
                    "upcoming_sessions": [SESSION_EXAMPLE],
                    "remaining_minutes": 750,
                    "remaining_hours": 12.5,
                    "enrollments": [],
                    "progress": [],
                    "weakest_chapters": [],
                    "recommended_content": [],
                    "recent_reports": [],
                }
            ]
        }
    )

    student_id: int
    student_name: str
    level: Level | None
    upcoming_sessions: list[UpcomingSession]
    remaining_minutes: int = Field(description="Across active enrollments")
    remaining_hours: float
    enrollments: list[EnrollmentSummary] = Field(description="Active enrollments")
    progress: list[SubjectSummary]
    weakest_chapters: list[ChapterProgress]
    recommended_content: list[RecommendedContent]
    recent_reports: list[ReportPublic] = Field(
        description="The latest session reports, latest session first (nexus.families)"
    )


class RecentAssessment(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "assessment_id": 41,
                    "student_id": 12,
                    "student_name": "Lucas",
                    "subject": "mathematiques",
                    "subject_label": "Mathématiques",
                    "chapter": "Suites numériques",
                    "score_on_20": 15.5,
                    "assessed_on": "2026-11-20",
                    "comment": "Très bon travail.",
                    "teacher_name": "Sophie Bernard",
                }
            ]
        }
    )

    assessment_id: int
    student_id: int
    student_name: str
    subject: Subject
    subject_label: str
    chapter: str
    score_on_20: float
    assessed_on: date
    comment: str
    teacher_name: str | None


class Alert(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "falling_average",
                    "student_id": 12,
                    "student_name": "Lucas",
                    "subject": "mathematiques",
                    "on": "2026-11-20",
                    "message": "La moyenne de Lucas en Mathématiques baisse : 9,3/20 sur les "
                    "3 dernières notes contre 13,7/20 sur les précédentes.",
                }
            ]
        }
    )

    kind: Literal["falling_average", "missed_session"]
    student_id: int
    student_name: str
    subject: Subject
    on: date = Field(description="Last mark's date, or the missed session's day (Paris)")
    message: str = Field(description="French, shown as is")


class ChildSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "student_id": 12,
                    "student_name": "Lucas Moreau",
                    "level": "terminale",
                    "overall_average": 13.1,
                    "remaining_minutes": 750,
                    "progress": [],
                }
            ]
        }
    )

    student_id: int
    student_name: str
    level: Level | None
    overall_average: float | None = Field(description=GENERAL_AVERAGE)
    remaining_minutes: int
    progress: list[SubjectSummary]


class ParentDashboard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "children": [],
                    "upcoming_sessions": [],
                    "recent_assessments": [],
                    "recent_reports": [],
                    "alerts": [],
                }
            ]
        }
    )

    children: list[ChildSummary]
    upcoming_sessions: list[UpcomingSession]
    recent_assessments: list[RecentAssessment]
    recent_reports: list[ReportPublic] = Field(
        description="The children's latest session reports, latest session first"
    )
    alerts: list[Alert] = Field(
        description="falling_average: last 3 marks of a subject average ≥ 2 points below the 3 "
        "before; missed_session: marked absent in the last 30 days"
    )
