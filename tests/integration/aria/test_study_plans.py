"""Study plans from the exam date, booked sessions and weakest chapters; stored, readable."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.clock import PARIS, paris_today
from nexus.content.vocabulary import Level, Subject
from tests.factories.aria import Bank
from tests.factories.assessments import AssessmentFactory
from tests.factories.people import StudentProfileFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api
from tests.support.fake_openai import FakeOpenAI, Reply

PLANS = "/api/v1/aria/study-plans"


def _student_with_history(
    api: Api, session: Session, exam_in_days: int = 40
) -> tuple[Actor, Actor]:
    student = api.actor(Role.STUDENT)
    teacher = api.actor(Role.TEACHER)
    today = paris_today()
    StudentProfileFactory(
        user_id=student.id,
        level=Level.PREMIERE,
        specialties=["mathematiques"],
        exam_date=today + timedelta(days=exam_in_days),
    )
    AssessmentFactory(student_id=student.id, chapter="Dérivation", score=7, teacher_id=teacher.id)
    AssessmentFactory(student_id=student.id, chapter="Dérivation", score=9, teacher_id=teacher.id)
    AssessmentFactory(student_id=student.id, chapter="Suites numériques", score=11, max_score=20)
    AssessmentFactory(
        student_id=student.id, chapter="Structures de données", score=17, subject=Subject.NSI
    )
    starts = datetime.combine(today + timedelta(days=9), time(17), PARIS)
    tutoring = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=starts, title="Dérivation : entraînement"
    )
    BookingFactory(session=tutoring, student_id=student.id)
    session.commit()
    return student, teacher


def test_an_offline_plan_is_deterministic_weekly_and_prioritises_weak_chapters(
    api: Api, bank: Bank, session: Session
) -> None:
    student, _ = _student_with_history(api, session)
    response = api.post(PLANS, student, json={})
    assert response.status_code == 201, response.get_json()
    plan = response.get_json()
    assert plan["offline"] is True and plan["provider"] == "offline"
    assert plan["student_id"] == student.id and plan["created_by_id"] == student.id
    weeks = plan["weeks"]
    assert len(weeks) == 6  # 40 days to the exam
    assert weeks[0]["focus"][0] == {
        "subject": "mathematiques",
        "chapter": "Dérivation",
        "average_on_20": 8.0,
    }
    assert weeks[0]["theme"] == "Priorité : Dérivation"
    assert {i["id"] for i in weeks[0]["items"]} == {
        bank.product_lesson.id,
        bank.product_exercise.id,
    }
    assert any("Dérivée d'un produit" in task for task in weeks[0]["tasks"])
    assert weeks[1]["focus"][0]["chapter"] == "Suites numériques"
    assert weeks[2]["focus"][0]["chapter"] == "Structures de données"
    assert weeks[3]["theme"].startswith("Consolidation : Dérivation")
    assert weeks[-1]["theme"] == "Révisions générales avant l'examen"
    assert weeks[1]["sessions"][0]["title"] == "Dérivation : entraînement"
    assert any("Préparer tes questions" in t for t in weeks[1]["tasks"])
    assert "Priorités : « Dérivation » (8,0/20)" in plan["summary"]

    again = api.post(PLANS, student, json={}).get_json()
    assert again["weeks"] == plan["weeks"] and again["id"] != plan["id"]

    listed = api.get(PLANS, student).get_json()
    assert listed["total"] == 2 and listed["items"][0]["id"] == again["id"]
    one = api.get(f"{PLANS}/{plan['id']}", student)
    assert one.status_code == 200 and one.get_json()["weeks"] == plan["weeks"]


def test_the_horizon_can_be_chosen_and_defaults_without_an_exam(
    api: Api, bank: Bank, session: Session
) -> None:
    student = api.actor(Role.STUDENT)
    StudentProfileFactory(user_id=student.id, level=Level.PREMIERE, specialties=["mathematiques"])
    session.commit()
    default = api.post(PLANS, student, json={}).get_json()
    assert len(default["weeks"]) == 8
    assert default["exam_date"] is None
    # No marks yet: the plan follows the specialty's chapters at the student's level.
    chapters = {f["chapter"] for w in default["weeks"] for f in w["focus"]}
    assert chapters == {"Dérivation", "Suites numériques"}
    assert "le planning suit tes spécialités (« Dérivation »" in default["summary"]
    short = api.post(PLANS, student, json={"weeks": 2}).get_json()
    assert len(short["weeks"]) == 2
    assert api.post(PLANS, student, json={"weeks": 27}).status_code == 422


def test_the_model_phrases_the_plan_when_online(
    api: Api, bank: Bank, session: Session, fake_openai: FakeOpenAI
) -> None:
    student, _ = _student_with_history(api, session)
    fake_openai.script(Reply.answer("Six semaines pour réussir : on commence par la dérivation !"))
    plan = api.post(PLANS, student, json={}).get_json()
    assert plan["provider"] == "openai" and plan["offline"] is False
    assert plan["summary"].startswith("Six semaines")
    sent = fake_openai.requests[0]
    assert "Semaine 1" in sent.contents("system")[1]
    assert student.user.email not in str(sent.body)
    assert student.user.first_name not in str(sent.body)


def test_a_teacher_plans_for_their_students_only(api: Api, bank: Bank, session: Session) -> None:
    student, teacher = _student_with_history(api, session)
    made = api.post(PLANS, teacher, json={"student_id": student.id})
    assert made.status_code == 201
    plan = made.get_json()
    assert plan["student_id"] == student.id and plan["created_by_id"] == teacher.id
    # The student sees it; the teacher sees what they made.
    assert api.get(f"{PLANS}/{plan['id']}", student).status_code == 200
    assert api.get(f"{PLANS}?student_id={student.id}", teacher).get_json()["total"] == 1

    stranger = api.actor(Role.TEACHER)
    refused = api.post(PLANS, stranger, json={"student_id": student.id})
    assert refused.status_code == 404
    assert api.get(f"{PLANS}/{plan['id']}", stranger).status_code == 404
    assert api.post(PLANS, teacher, json={}).status_code == 422
    assert api.post(PLANS, teacher, json={"student_id": teacher.id}).status_code == 404


def test_a_student_cannot_see_or_make_another_students_plan(
    api: Api, bank: Bank, session: Session
) -> None:
    student, _ = _student_with_history(api, session)
    plan = api.post(PLANS, student, json={}).get_json()
    other = api.actor(Role.STUDENT)
    assert api.get(f"{PLANS}/{plan['id']}", other).status_code == 404
    assert api.get(PLANS, other).get_json()["total"] == 0
    assert api.post(PLANS, other, json={"student_id": student.id}).status_code == 404


def test_a_student_without_profile_or_marks_gets_a_regular_work_plan(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    plan = api.post(PLANS, student, json={"weeks": 3}).get_json()
    assert [w["theme"] for w in plan["weeks"]] == ["Travail régulier"] * 3
    assert plan["exam_date"] is None
    assert "Pas encore d'évaluation ni de spécialité" in plan["summary"]
    assert api.get(f"{PLANS}/999999", student).status_code == 404
