from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from nexus.content.vocabulary import Subject
from nexus.db import Base, str_enum, utcnow


class Assessment(Base):
    """A mark a teacher records: ``score`` out of ``max_score`` on one chapter of a subject."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("max_score > 0", name="max_positive"),
        CheckConstraint("score >= 0 AND score <= max_score", name="score_within_max"),
        Index("ix_assessments_student_subject_date", "student_id", "subject", "assessed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    subject: Mapped[Subject] = mapped_column(str_enum(Subject))
    chapter: Mapped[str] = mapped_column(String(120))
    score: Mapped[float]
    max_score: Mapped[float] = mapped_column(default=20.0)
    assessed_on: Mapped[date]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @hybrid_property
    def on_20(self) -> float:
        """The mark brought to /20, in Python and in SQL: the one formula every average uses
        (``nexus.assessments.progress``)."""
        return self.score * 20.0 / self.max_score

    @property
    def score_on_20(self) -> float:
        return round(self.on_20, 2)
