"""GET /api/v1/students/{id}/progress: averages /20, trends, series, strengths, weaknesses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.content.vocabulary import Subject
from tests.factories import insights as f
from tests.support.api import Api


def _url(student_id: int, query: str = "") -> str:
    return f"/api/v1/students/{student_id}/progress{query}"


def test_progress_per_subject_and_chapter(api: Api, session: Session) -> None:
    parent = api.actor(Role.PARENT)
    kid = f.student(session, "Lucas")
    f.link(session, parent.user, kid)
    teacher = f.user(session, Role.TEACHER)
    start = date.today() - timedelta(days=60)
    # Maths: 8, 9, 10 then 13, 14, 15 (/20) → up by 5 points; one mark out of 10.
    for i, score in enumerate([8, 9, 10, 13, 14]):
        chapter = "Probabilités" if i < 3 else "Suites"
        f.assessment(
            session,
            kid.id,
            teacher.id,
            chapter=chapter,
            score=score,
            assessed_on=start + timedelta(days=i),
        )
    f.assessment(
        session,
        kid.id,
        teacher.id,
        chapter="Suites",
        score=7.5,
        max_score=10,
        assessed_on=start + timedelta(days=5),
    )
    f.assessment(
        session,
        kid.id,
        teacher.id,
        subject=Subject.NSI,
        chapter="Graphes",
        score=16,
        assessed_on=start + timedelta(days=6),
    )
    session.commit()

    response = api.get(_url(kid.id), parent)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["student_name"] == f"Lucas {kid.last_name}"
    maths = next(s for s in body["subjects"] if s["subject"] == "mathematiques")
    assert maths["average"] == 11.5
    assert maths["count"] == 6
    assert maths["trend"] == "up" and maths["trend_delta"] == 5.0
    assert [p["score_on_20"] for p in maths["series"]] == [8, 9, 10, 13, 14, 15]
    assert maths["series"][0]["assessed_on"] == start.isoformat()
    nsi = next(s for s in body["subjects"] if s["subject"] == "nsi")
    assert nsi["trend"] == "insufficient_data" and nsi["trend_delta"] is None
    # The "moyenne générale": the mean of the subject averages (11.5 and 16), not of the marks.
    assert body["overall_average"] == 13.75
    assert [c["chapter"] for c in body["weaknesses"]] == ["Probabilités"]
    assert [c["chapter"] for c in body["strengths"]] == ["Graphes", "Suites"]
    assert body["chapters"][0]["status"] == "weakness"

    since = (start + timedelta(days=3)).isoformat()
    recent = api.get(_url(kid.id, f"?from={since}"), parent).get_json()
    assert recent["from"] == since
    assert {s["subject"]: s["count"] for s in recent["subjects"]} == {"mathematiques": 3, "nsi": 1}
    assert recent["weaknesses"] == []


def test_progress_is_visible_only_to_the_circle(api: Api, session: Session) -> None:
    kid = api.actor(Role.STUDENT)
    f.profile(session, kid.user)
    teacher = api.actor(Role.TEACHER)
    ts = f.tutoring_session(session, teacher.id, datetime.now(UTC))
    f.booking(session, ts, kid.id)
    session.commit()
    assert api.get(_url(kid.id), kid).status_code == 200
    assert api.get(_url(kid.id), teacher).status_code == 200
    assert api.get(_url(kid.id), api.actor(Role.ADMIN)).get_json()["subjects"] == []
    for outsider in (api.actor(Role.PARENT), api.actor(Role.TEACHER), api.actor(Role.STUDENT)):
        response = api.get(_url(kid.id), outsider)
        assert response.status_code == 404
        assert response.get_json()["error"]["message"] == "Élève introuvable."
    # An id that is not a student is not found either, even for an admin.
    assert api.get(_url(teacher.id), api.actor(Role.ADMIN)).status_code == 404


def test_progress_period_must_be_ordered(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    response = api.get(_url(student.id, "?from=2026-03-01&to=2026-02-01"), student)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][0]["field"] == "from"
