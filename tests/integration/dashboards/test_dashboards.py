"""GET /api/v1/dashboards/{student,parent,teacher,admin}: contents and access."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.clock import PARIS, month_starts
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.offers.models import EnrollmentStatus
from nexus.scheduling.models import Attendance, BookingStatus, SessionStatus
from tests.factories.accounts import UserFactory
from tests.factories.assessments import AssessmentFactory
from tests.factories.content import ContentItemFactory
from tests.factories.offers import EnrollmentFactory
from tests.factories.people import ParentLinkFactory, StudentProfileFactory, new_student
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Api

URL = "/api/v1/dashboards"


def _now() -> datetime:
    return datetime.now(UTC)


def test_student_dashboard(api: Api, session: Session) -> None:
    kid = api.actor(Role.STUDENT, first_name="Lucas", last_name="Moreau")
    StudentProfileFactory(user_id=kid.id, level=Level.PREMIERE)
    teacher = UserFactory(role=Role.TEACHER, first_name="Sophie", last_name="Bernard")
    soon = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() + timedelta(days=1))
    later = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=_now() + timedelta(days=3), subject=Subject.NSI
    )
    past = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() - timedelta(days=1))
    dropped = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() + timedelta(days=2))
    cancelled = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=_now() + timedelta(days=2), status=SessionStatus.CANCELLED
    )
    for ts in (later, soon, past, cancelled):
        BookingFactory(session=ts, student_id=kid.id)
    BookingFactory(session=dropped, student_id=kid.id, status=BookingStatus.CANCELLED)
    EnrollmentFactory(student_id=kid.id, offer__hours=20, minutes_used=450)
    EnrollmentFactory(student_id=kid.id, offer__hours=10, minutes_used=0)
    EnrollmentFactory(student_id=kid.id, offer__hours=10, status=EnrollmentStatus.COMPLETED)
    for score, chapter in [(6, "Probabilités"), (8, "Probabilités"), (15, "Suites")]:
        AssessmentFactory(student_id=kid.id, teacher_id=teacher.id, chapter=chapter, score=score)
    AssessmentFactory(
        student_id=kid.id, teacher_id=teacher.id, subject=Subject.NSI, chapter="Graphes", score=17
    )
    on_topic = ContentItemFactory(
        title="Arbres pondérés",
        chapter="Probabilités",
        level=Level.PREMIERE,
        difficulty=3,
        kind=ContentKind.EXERCISE,
    )
    ContentItemFactory(
        title="Fonctions", chapter="Dérivation", level=Level.PREMIERE, kind=ContentKind.EXERCISE
    )
    other_level = ContentItemFactory(
        title="Probabilités (Terminale)",
        chapter="Probabilités",
        level=Level.TERMINALE,
        kind=ContentKind.EXERCISE,
    )
    ContentItemFactory(
        title="Graphes",
        subject=Subject.NSI,
        chapter="Graphes",
        level=Level.PREMIERE,
        kind=ContentKind.EXERCISE,
    )
    session.commit()

    response = api.get(f"{URL}/student", kid)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["student_name"] == "Lucas Moreau" and body["level"] == "premiere"
    assert [s["session_id"] for s in body["upcoming_sessions"]] == [soon.id, later.id]
    first = body["upcoming_sessions"][0]
    assert first["teacher_name"] == "Sophie Bernard" and first["subject_label"] == "Mathématiques"
    local = datetime.fromisoformat(first["starts_at_local"])
    assert local.utcoffset() == soon.starts_at.astimezone(PARIS).utcoffset()
    assert body["remaining_minutes"] == 1350 and body["remaining_hours"] == 22.5
    assert len(body["enrollments"]) == 2
    maths = next(p for p in body["progress"] if p["subject"] == "mathematiques")
    assert maths["average"] == 9.67 and maths["count"] == 3
    assert [c["chapter"] for c in body["weakest_chapters"]] == ["Probabilités"]
    recommended = body["recommended_content"]
    # The weak chapter's items, the student's level first (nexus.assessments.recommendations).
    assert [r["content_id"] for r in recommended] == [on_topic.id, other_level.id]
    assert {r["reason"] for r in recommended} == {"Chapitre à retravailler : Probabilités (7/20)"}
    assert recommended[0]["kind"] == ContentKind.EXERCISE.value


def test_student_dashboard_without_any_history(api: Api, session: Session) -> None:
    kid = api.actor(Role.STUDENT)
    body = api.get(f"{URL}/student", kid).get_json()
    assert body["level"] is None
    assert body["upcoming_sessions"] == [] and body["progress"] == []
    assert body["remaining_minutes"] == 0 and body["recommended_content"] == []


def test_dashboards_are_reserved_to_their_role(api: Api) -> None:
    parent = api.actor(Role.PARENT)
    student = api.actor(Role.STUDENT)
    for role in ("student", "teacher", "admin"):
        assert api.get(f"{URL}/{role}", parent).status_code == 403
    assert api.get(f"{URL}/parent", student).status_code == 403
    assert api.get(f"{URL}/parent").status_code == 401


def test_parent_dashboard_with_alerts(api: Api, session: Session) -> None:
    parent = api.actor(Role.PARENT)
    lucas = new_student(first_name="Lucas")
    emma = new_student(first_name="Emma", level=Level.SECONDE)
    stranger = new_student(first_name="Zoé")
    ParentLinkFactory(parent_id=parent.id, student_id=lucas.id)
    ParentLinkFactory(parent_id=parent.id, student_id=emma.id)
    teacher = UserFactory(role=Role.TEACHER, first_name="Karim", last_name="Haddad")
    start = date.today() - timedelta(days=40)
    for i, score in enumerate([15, 14, 16, 11, 12, 10]):  # average of the last 3 drops 4 points
        AssessmentFactory(
            student_id=lucas.id,
            teacher_id=teacher.id,
            score=score,
            assessed_on=start + timedelta(i),
        )
    AssessmentFactory(
        student_id=emma.id, teacher_id=teacher.id, subject=Subject.SVT, score=18, assessed_on=start
    )
    AssessmentFactory(student_id=stranger.id, teacher_id=teacher.id, score=2)
    missed = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() - timedelta(days=2))
    BookingFactory(session=missed, student_id=emma.id, attendance=Attendance.ABSENT)
    long_ago = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() - timedelta(days=45))
    BookingFactory(session=long_ago, student_id=emma.id, attendance=Attendance.ABSENT)
    attended = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() - timedelta(days=3))
    BookingFactory(session=attended, student_id=lucas.id, attendance=Attendance.PRESENT)
    upcoming = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=_now() + timedelta(days=1), capacity=4
    )
    BookingFactory(session=upcoming, student_id=lucas.id)
    BookingFactory(session=upcoming, student_id=emma.id)
    BookingFactory(session=upcoming, student_id=stranger.id)
    EnrollmentFactory(student_id=emma.id, offer__hours=5, minutes_used=60)
    session.commit()

    response = api.get(f"{URL}/parent", parent)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [c["student_id"] for c in body["children"]] == [emma.id, lucas.id]
    emma_summary, lucas_summary = body["children"]
    assert emma_summary["remaining_minutes"] == 240 and lucas_summary["remaining_minutes"] == 0
    assert emma_summary["overall_average"] == 18 and emma_summary["level"] == "seconde"
    assert lucas_summary["progress"][0]["trend"] == "down"
    assert lucas_summary["progress"][0]["trend_delta"] == -4.0
    assert {(s["session_id"], s["student_id"]) for s in body["upcoming_sessions"]} == {
        (upcoming.id, lucas.id),
        (upcoming.id, emma.id),
    }
    recent = body["recent_assessments"]
    assert len(recent) == 7 and {r["student_id"] for r in recent} == {lucas.id, emma.id}
    assert recent[0]["score_on_20"] == 10 and recent[0]["teacher_name"] == "Karim Haddad"
    kinds = [(a["kind"], a["student_id"]) for a in body["alerts"]]
    assert kinds == [("falling_average", lucas.id), ("missed_session", emma.id)]
    falling, absence = body["alerts"]
    assert falling["message"] == (
        "La moyenne de Lucas en mathématiques baisse : 11/20 sur les 3 dernières notes "
        "contre 15/20 sur les précédentes."
    )
    assert falling["on"] == (start + timedelta(5)).isoformat()
    assert absence["message"].startswith("Absence d'Emma à la séance de mathématiques du ")


def test_parent_without_children(api: Api) -> None:
    body = api.get(f"{URL}/parent", api.actor(Role.PARENT)).get_json()
    assert body == {
        "children": [],
        "upcoming_sessions": [],
        "recent_assessments": [],
        "recent_reports": [],
        "alerts": [],
    }


def test_teacher_dashboard(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER, first_name="Marc", last_name="Lefèvre")
    colleague = UserFactory(role=Role.TEACHER)
    ana, ben, other = new_student(first_name="Ana"), new_student(first_name="Ben"), new_student()
    group = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=_now() + timedelta(hours=5), capacity=4
    )
    BookingFactory(session=group, student_id=ana.id)
    BookingFactory(session=group, student_id=ben.id, status=BookingStatus.CANCELLED)
    empty = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() + timedelta(days=2))
    TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() - timedelta(days=2))
    theirs = TutoringSessionFactory(teacher_id=colleague.id, starts_at=_now() + timedelta(days=1))
    BookingFactory(session=theirs, student_id=other.id)
    AssessmentFactory(student_id=ben.id, teacher_id=teacher.id, score=14)
    AssessmentFactory(student_id=ben.id, teacher_id=colleague.id, subject=Subject.NSI, score=10)
    AssessmentFactory(student_id=other.id, teacher_id=colleague.id, score=3)
    session.commit()

    body = api.get(f"{URL}/teacher", teacher).get_json()
    sessions = body["upcoming_sessions"]
    assert [(s["session_id"], s["booked_count"]) for s in sessions] == [
        (group.id, 1),
        (empty.id, 0),
    ]
    assert sessions[0]["capacity"] == 4 and sessions[0]["teacher_name"] == "Marc Lefèvre"
    students = {s["student_id"]: s for s in body["students"]}
    assert set(students) == {ana.id, ben.id}  # booked in their session, or assessed by them
    assert students[ana.id]["progress"] == [] and students[ana.id]["overall_average"] is None
    assert students[ben.id]["overall_average"] == 12
    assert {p["subject"] for p in students[ben.id]["progress"]} == {"mathematiques", "nsi"}


def test_admin_dashboard(api: Api, session: Session) -> None:
    admin = api.actor(Role.ADMIN)
    ana, ben = new_student(), new_student()
    new_student()  # an account without enrollment: counted, not active
    teacher = UserFactory(role=Role.TEACHER)
    months = month_starts(12)
    in_month = datetime(months[-3].year, months[-3].month, 10, 12, tzinfo=PARIS)
    EnrollmentFactory(student_id=ana.id, offer__price_cents=50_000, created_at=in_month)
    EnrollmentFactory(
        student_id=ana.id,
        offer__price_cents=20_000,
        created_at=in_month,
        status=EnrollmentStatus.CANCELLED,
    )
    EnrollmentFactory(
        student_id=ben.id,
        offer__price_cents=90_000,
        offer__hours=15,
        minutes_used=300,
        created_at=_now(),
    )
    EnrollmentFactory(
        student_id=ben.id,
        offer__price_cents=70_000,
        status=EnrollmentStatus.COMPLETED,
        created_at=in_month - timedelta(days=400),
    )
    past = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=_now() - timedelta(days=3), capacity=4
    )
    BookingFactory(session=past, student_id=ana.id)
    BookingFactory(session=past, student_id=ben.id)
    TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() - timedelta(days=40), capacity=4)
    TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=_now() - timedelta(days=1), status=SessionStatus.CANCELLED
    )
    future = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_now() + timedelta(days=3))
    BookingFactory(session=future, student_id=ben.id)
    session.commit()

    body = api.get(f"{URL}/admin", admin).get_json()
    assert body["students_total"] == 3 and body["active_students"] == 2
    assert body["enrollments_by_status"] == {"active": 2, "completed": 1, "cancelled": 1}
    assert body["active_minutes_remaining"] == 600 + 600
    revenue = body["revenue_by_month"]
    assert [m["month"] for m in revenue] == [f"{m:%Y-%m}" for m in months]
    assert revenue[-3] == {
        "month": f"{months[-3]:%Y-%m}",
        "revenue_cents": 70_000,
        "enrollments": 2,
    }
    assert revenue[-1]["revenue_cents"] == 90_000
    assert body["revenue_last_12_months_cents"] == 160_000
    assert body["occupancy_past_30_days"] == {
        "sessions": 1,
        "seats_taken": 2,
        "capacity": 4,
        "rate": 0.5,
    }
    assert body["occupancy_upcoming"] == {"sessions": 1, "seats_taken": 1, "capacity": 1, "rate": 1}


def test_admin_dashboard_on_an_empty_platform(api: Api) -> None:
    body = api.get(f"{URL}/admin", api.actor(Role.ADMIN)).get_json()
    assert body["active_students"] == 0 and body["revenue_last_12_months_cents"] == 0
    assert body["occupancy_upcoming"]["rate"] is None
