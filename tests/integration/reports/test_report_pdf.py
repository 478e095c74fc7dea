"""GET /api/v1/students/{id}/report.pdf: a real PDF, in French, with the chart, for the circle."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

from pypdf import PageObject, PdfReader
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.content.vocabulary import Subject
from nexus.scheduling.models import Attendance
from tests.factories.assessments import AssessmentFactory
from tests.factories.people import ParentLinkFactory, new_student
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Api

HEADINGS = (
    "Bilan de progression",
    "Assiduité",
    "Résultats par matière",
    "Évolution des notes",
    "Points forts et points à travailler",
    "Détail des évaluations",
    "Commentaires des enseignants",
)


def _url(student_id: int, query: str = "") -> str:
    return f"/api/v1/students/{student_id}/report.pdf{query}"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _arrange(api: Api, session: Session) -> dict[str, object]:
    parent = api.actor(Role.PARENT)
    teacher = api.actor(Role.TEACHER, first_name="Sophie", last_name="Bernard")
    ines = new_student(first_name="Inès")
    ParentLinkFactory(parent_id=parent.id, student_id=ines.id)
    start = date(2026, 9, 1)
    for i in range(9):
        subject = [Subject.MATHEMATIQUES, Subject.NSI, Subject.PHYSIQUE_CHIMIE][i % 3]
        AssessmentFactory(
            student_id=ines.id,
            teacher_id=teacher.id,
            subject=subject,
            chapter=["Suites", "Graphes", "Ondes"][i % 3],
            score=8 + i,
            assessed_on=start + timedelta(days=7 * i),
            comment="Progrès nets <en rédaction> & rigueur." if i == 4 else "",
        )
    AssessmentFactory(
        student_id=ines.id, teacher_id=teacher.id, score=3, assessed_on=date(2026, 6, 1)
    )
    AssessmentFactory(
        student_id=ines.id,
        teacher_id=teacher.id,
        chapter="Probabilités",
        score=4.5,
        assessed_on=date(2026, 11, 2),
    )
    AssessmentFactory(
        student_id=ines.id,
        teacher_id=teacher.id,
        subject=Subject.NSI,
        chapter="Récursivité",
        score=18,
        assessed_on=date(2026, 11, 3),
    )
    for days, attendance in (
        (10, Attendance.PRESENT),
        (20, Attendance.LATE),
        (30, Attendance.ABSENT),
    ):
        when = datetime(2026, 9, 1, 16, tzinfo=UTC) + timedelta(days=days)
        BookingFactory(
            session=TutoringSessionFactory(teacher_id=teacher.id, starts_at=when),
            student_id=ines.id,
            attendance=attendance,
        )
    session.commit()
    return {"parent": parent, "teacher": teacher, "ines": ines}


def test_parent_downloads_a_french_report_with_a_chart(api: Api, session: Session) -> None:
    data = _arrange(api, session)
    ines = data["ines"]
    response = api.get(_url(ines.id, "?from=2026-09-01&to=2026-11-30"), data["parent"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="bilan-ines-2026-09-01_2026-11-30.pdf"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    pdf = response.data
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert f"Inès {ines.last_name}" in text
    for heading in HEADINGS:
        assert heading in text, heading
    assert "du 01/09/2026 au 30/11/2026" in text
    assert "Sophie Bernard" in text
    assert "NSI — Récursivité : 18/20" in text
    assert "Mathématiques — Probabilités : 4,5/20" in text
    assert "Progrès nets <en rédaction> & rigueur." in text  # escaped, shown literally
    assert "01/06/2026" not in text  # outside the period
    assert not re.search(r"(?<!\d)3/20", text)
    # Attendance: 3 sessions, 1 present, 1 late, 1 absent.
    assert "2/3" in text and "Taux de présence : 67 %" in text
    # The chart: its title and its dd/mm date-axis labels exist only in the drawing.
    assert "Notes sur 20 par matière" in text
    assert re.search(r"\b01/09\b(?!/)", text)
    reader = PdfReader(io.BytesIO(pdf))
    first_page: PageObject = next(iter(reader.pages))
    content = first_page.get_contents().get_data().decode("latin-1")
    line_segments = len(re.findall(r" l\b", content))
    assert line_segments >= 9  # at least the 9 marks joined by lines, plus grid and axes


def test_report_circle_and_outsiders(api: Api, session: Session) -> None:
    data = _arrange(api, session)
    ines = data["ines"]
    allowed = [data["parent"], data["teacher"], api.actor(Role.ADMIN)]
    for actor in allowed:
        response = api.get(_url(ines.id), actor)
        assert response.status_code == 200, actor.user.role
    for outsider in (api.actor(Role.PARENT), api.actor(Role.TEACHER), api.actor(Role.STUDENT)):
        response = api.get(_url(ines.id), outsider)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert api.get(_url(ines.id)).status_code == 401


def test_a_student_gets_their_own_empty_report(api: Api, session: Session) -> None:
    student = api.actor(Role.STUDENT, first_name="Émile")
    response = api.get(_url(student.id, "?to=2026-10-31"), student)
    assert response.status_code == 200
    assert 'filename="bilan-emile-2026-08-02_2026-10-31.pdf"' in (
        response.headers["Content-Disposition"]
    )
    text = _text(response.data)
    assert "Aucune évaluation sur la période." in text
    assert "Aucun commentaire sur la période." in text
    assert "Notes sur 20 par matière" not in text


def test_report_period_is_validated(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    inverted = api.get(_url(student.id, "?from=2026-10-01&to=2026-09-01"), student)
    assert inverted.status_code == 422
    assert inverted.get_json()["error"]["fields"][0]["field"] == "from"
    too_long = api.get(_url(student.id, "?from=2020-01-01&to=2026-09-01"), student)
    assert too_long.status_code == 422
    garbage = api.get(_url(student.id, "?from=hier"), student)
    assert garbage.status_code == 422
    assert garbage.get_json()["error"]["fields"][0]["field"] == "from"


def test_report_without_strengths_or_weaknesses(api: Api, session: Session) -> None:
    student = api.actor(Role.STUDENT)
    AssessmentFactory(
        student_id=student.id,
        teacher_id=None,
        score=12,
        assessed_on=date(2026, 10, 5),
        comment="Bien.",
    )
    session.commit()
    response = api.get(_url(student.id, "?from=2026-10-01&to=2026-10-31"), student)
    text = _text(response.data)
    assert "Pas encore de chapitre à 14/20." in text and "Aucun chapitre sous 10/20." in text
    assert "Équipe pédagogique" in text  # a mark whose teacher is unknown
