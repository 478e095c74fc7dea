"""Progress arithmetic on marks brought to /20: the one owner of these rules, used by the API,
the dashboards, the PDF report, ARIA's recommendations and its study plans.

Definitions (documented in the API too):

- every mark counts the same in an average, whatever its maximum (it is first brought to /20);
- **trend** of a subject: the mean of its last 3 marks against the mean of the (up to) 3 marks
  before them; ``up`` / ``down`` when they differ by at least 1 point, ``stable`` otherwise,
  ``insufficient_data`` with fewer than 4 marks;
- **falling average** alert: the same comparison, with a drop of at least 2 points;
- the **general average** ("moyenne générale") is the mean of the subject averages;
- chapters are told apart ignoring case and surrounding spaces (:func:`chapter_key`);
- a chapter is a **strength** when its average is ≥ 14/20 and a **weakness** when it is < 10/20
  (absolute thresholds, so that a uniformly good student has no weakness). For content
  recommendations only, when there is no weakness, the lowest chapters under 14 are used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.assessments.models import Assessment

WINDOW = 3
TREND_THRESHOLD = 1.0
FALLING_ALERT_DROP = 2.0
STRENGTH_MIN = 14.0
WEAKNESS_BELOW = 10.0


@dataclass(frozen=True)
class Mark:
    assessment_id: int
    student_id: int
    subject: str
    chapter: str
    assessed_on: date
    on_20: float


@dataclass(frozen=True)
class Trend:
    direction: str  # up, down, stable, insufficient_data
    delta: float | None  # recent mean − previous mean, /20


@dataclass(frozen=True)
class SubjectStats:
    subject: str
    average: float
    count: int
    last_assessed_on: date
    trend: Trend
    marks: list[Mark]


@dataclass(frozen=True)
class ChapterStats:
    subject: str
    chapter: str
    average: float
    count: int

    @property
    def status(self) -> str:
        if self.average >= STRENGTH_MIN:
            return "strength"
        if self.average < WEAKNESS_BELOW:
            return "weakness"
        return "neutral"


def load_marks(
    session: Session,
    student_ids: Sequence[int],
    start: date | None = None,
    end: date | None = None,
) -> list[Mark]:
    """Every mark of these students in the period, oldest first, in one query."""
    if not student_ids:
        return []
    query = select(
        Assessment.id,
        Assessment.student_id,
        Assessment.subject,
        Assessment.chapter,
        Assessment.assessed_on,
        Assessment.on_20,
    ).where(Assessment.student_id.in_(student_ids))
    if start is not None:
        query = query.where(Assessment.assessed_on >= start)
    if end is not None:
        query = query.where(Assessment.assessed_on <= end)
    rows = session.execute(query.order_by(Assessment.assessed_on, Assessment.id))
    return [
        Mark(a_id, s_id, str(subject), chapter, on, float(on_20))
        for a_id, s_id, subject, chapter, on, on_20 in rows
    ]


def _mean(values: Iterable[float]) -> float:
    return round(fmean(values), 2)


def recent_against_previous(values: Sequence[float]) -> tuple[float, float] | None:
    """(mean of the last 3, mean of the up-to-3 before them), or None under 4 values."""
    if len(values) <= WINDOW:
        return None
    recent = values[-WINDOW:]
    previous = values[-2 * WINDOW : -WINDOW]
    return fmean(recent), fmean(previous)


def trend_of(values: Sequence[float]) -> Trend:
    pair = recent_against_previous(values)
    if pair is None:
        return Trend("insufficient_data", None)
    delta = round(pair[0] - pair[1], 2)
    if delta >= TREND_THRESHOLD:
        return Trend("up", delta)
    if delta <= -TREND_THRESHOLD:
        return Trend("down", delta)
    return Trend("stable", delta)


def falling(values: Sequence[float]) -> tuple[float, float] | None:
    """(recent mean, previous mean) when the last 3 marks average ≥ 2 below the 3 before."""
    pair = recent_against_previous(values)
    if pair is None or pair[1] - pair[0] < FALLING_ALERT_DROP:
        return None
    return pair


def by_subject(marks: Iterable[Mark]) -> list[SubjectStats]:
    grouped: dict[str, list[Mark]] = defaultdict(list)
    for mark in marks:
        grouped[mark.subject].append(mark)
    stats = []
    for subject, items in sorted(grouped.items()):
        values = [m.on_20 for m in items]
        stats.append(
            SubjectStats(
                subject=subject,
                average=_mean(values),
                count=len(items),
                last_assessed_on=items[-1].assessed_on,
                trend=trend_of(values),
                marks=items,
            )
        )
    return stats


def chapter_key(chapter: str) -> str:
    """What tells two chapters apart: "Suites " and "suites" are one chapter."""
    return chapter.strip().casefold()


def by_chapter(marks: Iterable[Mark]) -> list[ChapterStats]:
    """Average per chapter (by :func:`chapter_key`; labelled by the least of its spellings,
    whatever the order of the marks), weakest first."""
    grouped: dict[tuple[str, str], list[float]] = defaultdict(list)
    labels: dict[tuple[str, str], str] = {}
    for mark in marks:
        key = (mark.subject, chapter_key(mark.chapter))
        grouped[key].append(mark.on_20)
        label = mark.chapter.strip()
        labels[key] = min(labels.get(key, label), label)
    return sorted(
        (
            ChapterStats(key[0], labels[key], _mean(values), len(values))
            for key, values in grouped.items()
        ),
        key=lambda c: (c.average, c.subject, c.chapter),
    )


def weakest_chapters(chapters: Sequence[ChapterStats], limit: int = 3) -> list[ChapterStats]:
    """Weaknesses first; without any, the lowest chapters that are not strengths."""
    ordered = sorted(chapters, key=lambda c: (c.average, c.subject, c.chapter))
    weak = [c for c in ordered if c.status == "weakness"]
    if weak:
        return weak[:limit]
    return [c for c in ordered if c.status == "neutral"][:limit]


def general_average(subject_averages: Iterable[float]) -> float | None:
    """The "moyenne générale": the mean of the subject averages (each subject counts the same,
    however many marks it has), as French report cards give it; None without any subject."""
    averages = list(subject_averages)
    return _mean(averages) if averages else None
