"""The progress report is cached per student and period (nexus.dashboards.freshness, as the
student's dashboard): a write it shows is in the next report, whoever made it; a write it does
not show leaves it cached; a booked session of the period counts in the attendance as soon as
it starts. Access is checked on every request, cached or not.

Runs on the suite's backend: SQLite + in-process cache, or PostgreSQL + Redis.
"""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, date, datetime, timedelta

from pypdf import PdfReader
from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.assessments.models import Assessment
from nexus.scheduling.models import Attendance
from tests.factories.accounts import UserFactory
from tests.factories.assessments import AssessmentFactory
from tests.factories.people import ParentLinkFactory, new_student
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api

ATTENDANCE = re.compile(r"Non renseigné\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)")


def report(api: Api, who: Actor, student_id: int) -> tuple[bytes, str]:
    response = api.get(f"/api/v1/students/{student_id}/report.pdf", who)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return response.data, "\n".join(page.extract_text() for page in reader.pages)


def attendance(text: str) -> tuple[int, ...]:
    found = ATTENDANCE.search(text)
    assert found is not None, text
    return tuple(int(n) for n in found.groups())


def test_a_write_the_report_shows_is_in_the_next_one(
    api: Api, session: Session, connection: Connection
) -> None:
    parent, admin = api.actor(Role.PARENT), api.actor(Role.ADMIN)
    teacher = api.actor(Role.TEACHER, first_name="Sophie", last_name="Bernard")
    kid = new_student(first_name="Inès")
    ParentLinkFactory(parent_id=parent.id, student_id=kid.id)
    AssessmentFactory(
        student_id=kid.id, teacher_id=teacher.id, chapter="Suites", comment="Bon début"
    )
    past = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=datetime.now(UTC) - timedelta(days=3)
    )
    booked = BookingFactory(session=past, student_id=kid.id)
    session.commit()
    first, text = report(api, parent, kid.id)
    assert "Bon début" in text and attendance(text) == (1, 0, 0, 0, 1)

    # Behind the ORM's back: nothing is told, the cached report is served as it was.
    connection.execute(
        update(Assessment).where(Assessment.student_id == kid.id).values(comment="Caché")
    )
    again, _text = report(api, parent, kid.id)
    assert again == first
    # A write of another student's changes nothing here.
    other = new_student(first_name="Hugo")
    AssessmentFactory(student_id=other.id, teacher_id=teacher.id)
    session.commit()
    assert report(api, parent, kid.id)[0] == first

    # The teacher marks the session: the next report is read again, with both changes.
    booked.attendance = Attendance.PRESENT
    session.commit()
    _pdf, text = report(api, parent, kid.id)
    assert "Caché" in text and attendance(text) == (1, 1, 0, 0, 0)

    mark = {"student_id": kid.id, "teacher_id": teacher.id, "subject": "nsi"}
    mark |= {"chapter": "Graphes", "score": 15, "assessed_on": str(date.today())}
    assert api.post("/api/v1/assessments", admin, json=mark).status_code == 201
    assert "Graphes" in report(api, parent, kid.id)[1]

    renamed = api.patch(f"/api/v1/admin/users/{teacher.id}", admin, json={"last_name": "Martin"})
    assert renamed.status_code == 200, renamed.get_json()
    assert "Sophie Martin" in report(api, parent, kid.id)[1]


def test_a_booked_session_counts_as_soon_as_it_starts(api: Api, session: Session) -> None:
    kid = api.actor(Role.STUDENT)
    teacher = UserFactory(role=Role.TEACHER)
    starting = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=datetime.now(UTC) + timedelta(seconds=2)
    )
    BookingFactory(session=starting, student_id=kid.id)
    session.commit()
    assert attendance(report(api, kid, kid.id)[1]) == (0, 0, 0, 0, 0)
    time.sleep(max(0.0, (starting.starts_at - datetime.now(UTC)).total_seconds()) + 0.2)
    assert attendance(report(api, kid, kid.id)[1]) == (1, 0, 0, 0, 1)


def test_access_is_checked_before_the_cache(api: Api, session: Session) -> None:
    parent, stranger = api.actor(Role.PARENT), api.actor(Role.PARENT)
    kid = new_student(first_name="Inès")
    ParentLinkFactory(parent_id=parent.id, student_id=kid.id)
    session.commit()
    report(api, parent, kid.id)  # cached now
    refused = api.get(f"/api/v1/students/{kid.id}/report.pdf", stranger)
    assert refused.status_code == 404
    assert refused.get_json()["error"]["code"] == "not_found"
