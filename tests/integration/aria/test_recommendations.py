"""Recommendations: the weakest chapters (the dashboard's) → bank items."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.clock import paris_today
from nexus.content.vocabulary import Level, Subject
from tests.factories.aria import Bank
from tests.factories.assessments import AssessmentFactory
from tests.factories.people import StudentProfileFactory
from tests.support.api import Api

URL = "/api/v1/aria/recommendations"


def test_weak_chapters_come_with_items_to_work_on(api: Api, bank: Bank, session: Session) -> None:
    student = api.actor(Role.STUDENT)
    teacher = api.actor(Role.TEACHER)
    StudentProfileFactory(user_id=student.id, level=Level.PREMIERE)
    AssessmentFactory(student_id=student.id, chapter="Dérivation", score=6, teacher_id=teacher.id)
    AssessmentFactory(student_id=student.id, chapter="Dérivation", score=9)
    AssessmentFactory(
        student_id=student.id, chapter="Structures de données", score=9, subject=Subject.NSI
    )
    AssessmentFactory(student_id=student.id, chapter="Suites numériques", score=16)
    old = paris_today() - timedelta(days=400)
    AssessmentFactory(
        student_id=student.id,
        chapter="Mécanique",
        score=2,
        subject=Subject.PHYSIQUE_CHIMIE,
        assessed_on=old,
    )
    session.commit()

    body = api.get(URL, student).get_json()
    assert body["student_id"] == student.id
    chapters = [r["chapter"] for r in body["items"]]
    # Under 10/20, weakest first, whatever their age: the chapters the dashboard names.
    assert chapters == ["Mécanique", "Dérivation", "Structures de données"]
    board = api.get("/api/v1/dashboards/student", student).get_json()
    assert [c["chapter"] for c in board["weakest_chapters"]] == chapters
    first = body["items"][1]
    assert first["average_on_20"] == 7.5 and first["assessments"] == 2
    assert first["reason"] == (
        "Moyenne de 7,5/20 sur 2 évaluations en « Dérivation » : à retravailler en priorité."
    )
    assert {i["id"] for i in first["items"]} == {bank.product_lesson.id, bank.product_exercise.id}
    nsi = {i["id"] for i in body["items"][2]["items"]}
    assert bank.linked_list_lesson.id in nsi

    # Their teacher may look; another teacher may not.
    assert api.get(f"{URL}?student_id={student.id}", teacher).get_json()["items"][1]["chapter"] == (
        "Dérivation"
    )
    stranger = api.actor(Role.TEACHER)
    assert api.get(f"{URL}?student_id={student.id}", stranger).status_code == 404
    assert api.get(f"{URL}?student_id={stranger.id}", student).status_code == 404


def test_a_good_student_gets_their_least_good_chapter(
    api: Api, bank: Bank, session: Session
) -> None:
    student = api.actor(Role.STUDENT)
    AssessmentFactory(student_id=student.id, chapter="Suites numériques", score=15)
    AssessmentFactory(student_id=student.id, chapter="Dérivation", score=18)
    session.commit()
    body = api.get(URL, student).get_json()
    assert [r["chapter"] for r in body["items"]] == ["Suites numériques"]
    assert body["items"][0]["reason"].startswith("Ton chapitre le moins réussi (15,0/20")


def test_no_marks_no_recommendations(api: Api, bank: Bank) -> None:
    student = api.actor(Role.STUDENT)
    assert api.get(URL, student).get_json() == {"student_id": student.id, "items": []}


def test_a_chapter_missing_from_the_bank_falls_back_to_search(
    api: Api, bank: Bank, session: Session
) -> None:
    student = api.actor(Role.STUDENT)
    AssessmentFactory(student_id=student.id, chapter="Suites géométriques", score=5)
    session.commit()
    items = api.get(URL, student).get_json()["items"][0]["items"]
    assert bank.sequences_lesson.id in {i["id"] for i in items}
