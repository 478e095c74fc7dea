"""The staff dashboards: teachers' schedules and students, administrators' figures."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from nexus.assessments.schemas.progress import GENERAL_AVERAGE, SubjectSummary
from nexus.content.vocabulary import Level
from nexus.dashboards.schemas.family import SESSION_EXAMPLE, UpcomingSession


class TeacherSession(UpcomingSession):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**SESSION_EXAMPLE, "capacity": 4, "booked_count": 3}]}
    )

    capacity: int
    booked_count: int = Field(description="Live bookings of the session")


class TeacherStudent(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "student_id": 12,
                    "student_name": "Lucas Moreau",
                    "level": "terminale",
                    "overall_average": 13.1,
                    "progress": [],
                }
            ]
        }
    )

    student_id: int
    student_name: str
    level: Level | None
    overall_average: float | None = Field(description=GENERAL_AVERAGE)
    progress: list[SubjectSummary]


class TeacherDashboard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "upcoming_sessions": [{**SESSION_EXAMPLE, "capacity": 4, "booked_count": 3}],
                    "students": [],
                }
            ]
        }
    )

    upcoming_sessions: list[TeacherSession]
    students: list[TeacherStudent]


class MonthRevenue(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"month": "2026-11", "revenue_cents": 189000, "enrollments": 4}]
        }
    )

    month: str = Field(description="YYYY-MM (Paris calendar)")
    revenue_cents: int
    enrollments: int


class Occupancy(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"sessions": 42, "seats_taken": 51, "capacity": 80, "rate": 0.6375}]
        }
    )

    sessions: int
    seats_taken: int
    capacity: int
    rate: float | None = Field(description="seats_taken / capacity; null without sessions")


class AdminDashboard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "students_total": 120,
                    "active_students": 87,
                    "enrollments_by_status": {"active": 90, "completed": 40, "cancelled": 3},
                    "active_minutes_remaining": 30000,
                    "revenue_by_month": [],
                    "revenue_last_12_months_cents": 4520000,
                    "occupancy_past_30_days": {
                        "sessions": 42,
                        "seats_taken": 51,
                        "capacity": 80,
                        "rate": 0.6375,
                    },
                    "occupancy_upcoming": {
                        "sessions": 12,
                        "seats_taken": 9,
                        "capacity": 20,
                        "rate": 0.45,
                    },
                }
            ]
        }
    )

    students_total: int = Field(description="Active student accounts")
    active_students: int = Field(description="Students with at least one active enrollment")
    enrollments_by_status: dict[str, int]
    active_minutes_remaining: int
    revenue_by_month: list[MonthRevenue] = Field(
        description="Sum of price_paid_cents of the enrollments created each month, last 12"
    )
    revenue_last_12_months_cents: int
    occupancy_past_30_days: Occupancy
    occupancy_upcoming: Occupancy
