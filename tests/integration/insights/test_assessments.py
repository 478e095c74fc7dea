"""POST/GET/PATCH/DELETE /api/v1/assessments over HTTP: rules, scoping, notifications."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from nexus.content.vocabulary import Subject
from nexus.notifications.models import Notification, NotificationKind
from tests.factories import insights as f
from tests.support.api import Actor, Api

URL = "/api/v1/assessments"


def _taught(session: Session, teacher_id: int, student_id: int) -> None:
    """The teacher teaches the student: a live booking in one of their sessions."""
    ts = f.tutoring_session(session, teacher_id, datetime.now(UTC) - timedelta(days=3))
    f.booking(session, ts, student_id)


def _payload(student_id: int, **overrides: object) -> dict[str, object]:
    return {
        "student_id": student_id,
        "subject": "mathematiques",
        "chapter": "Suites numériques",
        "score": 15.5,
        "max_score": 20,
        "assessed_on": (date.today() - timedelta(days=2)).isoformat(),
        "comment": "Bonne maîtrise de la récurrence.",
        **overrides,
    }


def test_teacher_records_a_mark_and_the_family_is_notified(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER, first_name="Sophie", last_name="Bernard")
    lucas = f.student(session, "Lucas")
    parent = f.user(session, Role.PARENT, "Isabelle")
    f.link(session, parent, lucas)
    _taught(session, teacher.id, lucas.id)
    session.commit()

    response = api.post(URL, teacher, json=_payload(lucas.id, score=13, max_score=16))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["teacher_id"] == teacher.id
    assert body["teacher_name"] == "Sophie Bernard"
    assert body["student_name"] == f"Lucas {lucas.last_name}"
    assert body["score_on_20"] == 16.25
    assert body["subject_label"] == "Mathématiques"

    notes = session.scalars(
        select(Notification).where(Notification.kind == NotificationKind.NEW_ASSESSMENT)
    ).all()
    by_user = {n.user_id: n for n in notes}
    assert set(by_user) == {lucas.id, parent.id}
    assert by_user[lucas.id].title == "Nouvelle évaluation en mathématiques"
    assert by_user[lucas.id].body.startswith("Vous avez obtenu 13/16 en mathématiques")
    assert "Lucas a obtenu 13/16" in by_user[parent.id].body
    assert "« Suites numériques »" in by_user[parent.id].body
    assert by_user[parent.id].data["assessment_id"] == body["id"]


def test_a_teacher_cannot_mark_a_student_they_do_not_teach(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    stranger = f.student(session)
    cancelled = f.student(session)
    ts = f.tutoring_session(session, teacher.id, datetime.now(UTC))
    from nexus.scheduling.models import BookingStatus

    f.booking(session, ts, cancelled.id, status=BookingStatus.CANCELLED)
    parent = f.user(session, Role.PARENT)
    session.commit()
    for student_id in (stranger.id, cancelled.id, parent.id, 999_999):
        response = api.post(URL, teacher, json=_payload(student_id))
        assert response.status_code == 404, student_id
        assert response.get_json()["error"]["code"] == "not_found"


def test_admin_records_for_anyone_optionally_in_a_teachers_name(api: Api, session: Session) -> None:
    admin = api.actor(Role.ADMIN)
    teacher = f.user(session, Role.TEACHER, "Marc")
    student = f.student(session)
    session.commit()
    own = api.post(URL, admin, json=_payload(student.id))
    assert own.status_code == 201
    assert own.get_json()["teacher_id"] == admin.id
    named = api.post(URL, admin, json=_payload(student.id, teacher_id=teacher.id))
    assert named.status_code == 201
    assert named.get_json()["teacher_id"] == teacher.id
    wrong = api.post(URL, admin, json=_payload(student.id, teacher_id=student.id))
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["fields"][0]["field"] == "teacher_id"


def test_a_teacher_cannot_record_in_someone_elses_name(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    other = f.user(session, Role.TEACHER)
    student = f.student(session)
    _taught(session, teacher.id, student.id)
    session.commit()
    response = api.post(URL, teacher, json=_payload(student.id, teacher_id=other.id))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][0]["field"] == "teacher_id"
    same = api.post(URL, teacher, json=_payload(student.id, teacher_id=teacher.id))
    assert same.status_code == 201


def test_invalid_marks_are_refused_naming_the_field(api: Api, session: Session) -> None:
    admin = api.actor(Role.ADMIN)
    student = f.student(session)
    session.commit()
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    cases = {
        "score": _payload(student.id, score=21),
        "max_score": _payload(student.id, max_score=0),
        "assessed_on": _payload(student.id, assessed_on=tomorrow),
        "subject": _payload(student.id, subject="latin"),
        "chapter": _payload(student.id, chapter="   "),
        "extra": _payload(student.id, extra="x"),
    }
    for field, payload in cases.items():
        response = api.post(URL, admin, json=payload)
        assert response.status_code == 422, field
        assert response.get_json()["error"]["fields"][0]["field"] == field


def test_only_students_and_staff_roles_may_post(api: Api, session: Session) -> None:
    parent = api.actor(Role.PARENT)
    student = f.student(session)
    session.commit()
    assert api.post(URL, parent, json=_payload(student.id)).status_code == 403
    assert api.post(URL, json=_payload(student.id)).status_code == 401


def _family(api: Api, session: Session) -> dict[str, Any]:
    """Two teachers, two families; marks by both teachers."""
    t1 = api.actor(Role.TEACHER)
    t2 = api.actor(Role.TEACHER)
    parent = api.actor(Role.PARENT)
    kid = api.actor(Role.STUDENT)
    f.profile(session, kid.user)
    other_kid = f.student(session)
    f.link(session, parent.user, kid.user)
    _taught(session, t1.id, kid.id)
    today = date.today()
    marks = [
        f.assessment(session, kid.id, t1.id, score=8, assessed_on=today - timedelta(days=30)),
        f.assessment(
            session,
            kid.id,
            t2.id,
            subject=Subject.NSI,
            chapter="Graphes",
            score=17,
            assessed_on=today - timedelta(days=10),
        ),
        f.assessment(session, other_kid.id, t2.id, score=11, assessed_on=today - timedelta(days=5)),
    ]
    session.commit()
    return {"t1": t1, "t2": t2, "parent": parent, "kid": kid, "other": other_kid, "marks": marks}


def _ids(api: Api, actor: Actor, query: str = "") -> list[int]:
    response = api.get(f"{URL}{query}", actor)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_lists_are_scoped_to_what_each_role_may_see(api: Api, session: Session) -> None:
    data = _family(api, session)
    own, nsi, others = (m.id for m in data["marks"])
    admin = api.actor(Role.ADMIN)
    assert sorted(_ids(api, data["kid"])) == sorted([own, nsi])
    assert sorted(_ids(api, data["parent"])) == sorted([own, nsi])
    # t1 teaches the kid (booking): sees the kid's marks, even t2's; not the other child's.
    assert sorted(_ids(api, data["t1"])) == sorted([own, nsi])
    # t2 assessed both children: sees everything of both.
    assert sorted(_ids(api, data["t2"])) == sorted([own, nsi, others])
    assert set(_ids(api, admin)) >= {own, nsi, others}
    stranger = api.actor(Role.PARENT)
    assert _ids(api, stranger) == []


def test_filters_sorting_and_pagination(api: Api, session: Session) -> None:
    data = _family(api, session)
    own, nsi, _others = (m.id for m in data["marks"])
    kid, parent = data["kid"], data["parent"]
    assert _ids(api, parent, "?subject=nsi") == [nsi]
    assert _ids(api, parent, "?chapter=SUITES%20num%C3%A9riques") == [own]
    assert _ids(api, parent, "?chapter=Graphes") == [nsi]
    since = (date.today() - timedelta(days=15)).isoformat()
    assert _ids(api, parent, f"?from={since}") == [nsi]
    assert _ids(api, parent, f"?to={since}") == [own]
    assert _ids(api, parent, f"?student_id={kid.id}&sort=score_on_20") == [own, nsi]
    assert _ids(api, parent, "?sort=-score_on_20") == [nsi, own]
    assert _ids(api, parent, "?sort=assessed_on") == [own, nsi]
    assert _ids(api, parent, f"?teacher_id={data['t2'].id}") == [nsi]
    page = api.get(f"{URL}?page=2&page_size=1", parent).get_json()
    assert page["total"] == 2 and page["page"] == 2 and len(page["items"]) == 1
    assert not _ids(api, parent, f"?student_id={data['other'].id}")


def test_bad_list_queries_name_the_field(api: Api) -> None:
    admin = api.actor(Role.ADMIN)
    bad_sort = api.get(f"{URL}?sort=comment", admin)
    assert bad_sort.status_code == 422
    assert bad_sort.get_json()["error"]["fields"][0]["field"] == "sort"
    inverted = api.get(f"{URL}?from=2026-05-01&to=2026-04-01", admin)
    assert inverted.status_code == 422
    assert inverted.get_json()["error"]["fields"][0]["field"] == "from"
    assert api.get(f"{URL}?page_size=500", admin).status_code == 422
    assert api.get(f"{URL}?colour=blue", admin).status_code == 422


def test_one_assessment_is_hidden_from_other_families(api: Api, session: Session) -> None:
    data = _family(api, session)
    own = data["marks"][0].id
    assert api.get(f"{URL}/{own}", data["parent"]).status_code == 200
    stranger = api.actor(Role.PARENT)
    response = api.get(f"{URL}/{own}", stranger)
    assert response.status_code == 404
    assert api.get(f"{URL}/999999", data["kid"]).status_code == 404


def test_only_the_author_or_an_admin_changes_a_mark(api: Api, session: Session) -> None:
    data = _family(api, session)
    own = data["marks"][0].id
    url = f"{URL}/{own}"
    # t2 sees it (assessed the kid) but is not its author.
    assert api.patch(url, data["t2"], json={"score": 9}).status_code == 403
    stranger = api.actor(Role.TEACHER)
    assert api.patch(url, stranger, json={"score": 9}).status_code == 404
    assert api.patch(url, data["parent"], json={"score": 9}).status_code == 403
    updated = api.patch(url, data["t1"], json={"score": 9.5, "comment": "Reprise."})
    assert updated.status_code == 200
    assert updated.get_json()["score"] == 9.5 and updated.get_json()["comment"] == "Reprise."
    admin = api.actor(Role.ADMIN)
    by_admin = api.patch(url, admin, json={"chapter": "Suites arithmétiques"})
    assert by_admin.status_code == 200
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "assessment.update"))
    assert entry is not None and entry.actor_id == admin.id and entry.target_id == own
    assert entry.details["fields"] == ["chapter"]


def test_patch_validation(api: Api, session: Session) -> None:
    data = _family(api, session)
    url = f"{URL}/{data['marks'][0].id}"
    author = data["t1"]
    too_high = api.patch(url, author, json={"score": 25})
    assert too_high.status_code == 422
    assert too_high.get_json()["error"]["fields"][0]["field"] == "score"
    shrunk = api.patch(url, author, json={"max_score": 5})
    assert shrunk.status_code == 422
    assert shrunk.get_json()["error"]["fields"][0]["field"] == "max_score"
    null = api.patch(url, author, json={"chapter": None})
    assert null.status_code == 422
    assert null.get_json()["error"]["fields"][0]["field"] == "chapter"
    rescaled = api.patch(url, author, json={"max_score": 10, "score": 5})
    assert rescaled.status_code == 200
    assert rescaled.get_json()["score_on_20"] == 10


def test_delete_by_author_and_admin(api: Api, session: Session) -> None:
    data = _family(api, session)
    own, nsi, _ = (m.id for m in data["marks"])
    assert api.delete(f"{URL}/{nsi}", data["t1"]).status_code == 403
    assert api.delete(f"{URL}/{own}", data["t1"]).status_code == 204
    assert api.get(f"{URL}/{own}", data["t1"]).status_code == 404
    admin = api.actor(Role.ADMIN)
    assert api.delete(f"{URL}/{nsi}", admin).status_code == 204
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "assessment.delete"))
    assert entry is not None and entry.target_id == nsi
    assert api.delete(f"{URL}/{nsi}", admin).status_code == 404
