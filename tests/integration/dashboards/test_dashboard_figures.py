"""The dashboards' figures at the edges of the window query that computes them.

Averages, counts and last dates come from the whole (student, subject) partition, the trend
from its last 2 × WINDOW marks only (latest first by date, then by id); the three dashboards
must agree, and the student's chapters are grouped case-insensitively.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.assessments.progress import WINDOW
from nexus.content.vocabulary import Subject
from tests.factories.assessments import AssessmentFactory
from tests.factories.people import ParentLinkFactory
from tests.support.api import Api

URL = "/api/v1/dashboards"


def _summaries(api: Api, session: Session, scores: list[float]) -> list[dict[str, object]]:
    """Maths marks (oldest first, one a day) seen by the student, their parent, the teacher."""
    kid = api.actor(Role.STUDENT)
    parent = api.actor(Role.PARENT)
    teacher = api.actor(Role.TEACHER)
    ParentLinkFactory(parent_id=parent.id, student_id=kid.id)
    first_day = date.today() - timedelta(days=len(scores))
    for offset, score in enumerate(scores):
        AssessmentFactory(
            student_id=kid.id,
            teacher_id=teacher.id,
            score=score,
            assessed_on=first_day + timedelta(offset),
        )
    AssessmentFactory(student_id=kid.id, teacher_id=teacher.id, subject=Subject.NSI, score=10)
    session.commit()
    student: list[dict[str, object]] = api.get(f"{URL}/student", kid).get_json()["progress"]
    family = api.get(f"{URL}/parent", parent).get_json()["children"][0]["progress"]
    taught = api.get(f"{URL}/teacher", teacher).get_json()["students"][0]["progress"]
    assert student == family == taught
    assert [s["subject"] for s in student] == ["mathematiques", "nsi"]
    return student


def test_the_trend_reads_only_the_last_two_windows(api: Api, session: Session) -> None:
    # Three very low old marks, then 10, 10, 10 and 16, 16, 16: the old ones weigh on the
    # average but not on the trend (+6), which compares the last 3 with the 3 before.
    scores = [0.0, 0.0, 0.0, 10.0, 10.0, 10.0, 16.0, 16.0, 16.0]
    maths = _summaries(api, session, scores)[0]
    assert maths["count"] == 9
    assert maths["average"] == round(sum(scores) / 9, 2)
    assert maths["last_assessed_on"] == (date.today() - timedelta(days=1)).isoformat()
    assert maths["trend"] == "up" and maths["trend_delta"] == 6.0
    assert 2 * WINDOW == 6  # the boundary this test is built around


def test_four_marks_compare_three_with_one(api: Api, session: Session) -> None:
    maths = _summaries(api, session, [14.0, 12.0, 12.0, 12.0])[0]
    assert maths["trend"] == "down" and maths["trend_delta"] == -2.0
    assert maths["count"] == 4 and maths["average"] == 12.5


def test_three_marks_are_not_a_trend(api: Api, session: Session) -> None:
    maths, nsi = _summaries(api, session, [8.0, 12.0, 19.0])
    assert maths["trend"] == "insufficient_data" and maths["trend_delta"] is None
    assert nsi["count"] == 1 and nsi["average"] == 10.0


def test_marks_of_the_same_day_are_ordered_by_id(api: Api, session: Session) -> None:
    """Same date: the later-recorded mark is the more recent one (rank by date, then id)."""
    kid = api.actor(Role.STUDENT)
    teacher = api.actor(Role.TEACHER)
    day = date.today() - timedelta(days=2)
    for score in (4.0, 4.0, 4.0, 18.0, 18.0, 18.0):
        AssessmentFactory(student_id=kid.id, teacher_id=teacher.id, score=score, assessed_on=day)
    session.commit()
    maths = api.get(f"{URL}/student", kid).get_json()["progress"][0]
    assert maths["trend"] == "up" and maths["trend_delta"] == 14.0


def test_chapters_are_grouped_whatever_their_case(api: Api, session: Session) -> None:
    kid = api.actor(Role.STUDENT)
    teacher = api.actor(Role.TEACHER)
    for chapter, score in [("Suites", 4.0), ("suites", 8.0), ("Limites", 9.0)]:
        AssessmentFactory(student_id=kid.id, teacher_id=teacher.id, chapter=chapter, score=score)
    session.commit()
    body = api.get(f"{URL}/student", kid).get_json()
    weakest = {c["chapter"].lower(): c for c in body["weakest_chapters"]}
    assert sorted(weakest) == ["limites", "suites"]
    assert weakest["suites"]["average"] == 6.0 and weakest["suites"]["count"] == 2
    assert body["progress"][0]["count"] == 3
