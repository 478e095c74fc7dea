"""Every surface gives the same figures for the same marks (nexus.assessments.progress owns the
rules): for each demo child, the PDF report's general and subject averages are the parent
dashboard's and the progress API's; each demo student's weakest chapters on the dashboard are
the ones ARIA's recommendations address, and the content the dashboard recommends is the first
of the items ARIA recommends (nexus.assessments.recommendations picks both).
"""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.assessments.models import Assessment
from nexus.demo.accounts import DEMO_ACCOUNTS
from nexus.language import formats
from tests.support.api import Actor, Api

REWORK = "Chapitre à retravailler : "


def _demo(api: Api, session: Session, role: Role) -> list[Actor]:
    actors = []
    for account in (a for a in DEMO_ACCOUNTS if a.role is role):
        body = api.login(account.email, account.password).get_json()
        user = session.scalars(select(User).where(User.email == account.email)).one()
        actors.append(Actor(user, account.password, body["access_token"], body["refresh_token"]))
    return actors


def _pdf_text(api: Api, parent: Actor, student_id: int, first: str) -> str:
    response = api.get(f"/api/v1/students/{student_id}/report.pdf?from={first}", parent)
    assert response.status_code == 200, response.get_json()
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_report_the_dashboard_and_the_api_give_the_same_averages(
    app: Flask, api: Api, session: Session
) -> None:
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    checked = 0
    for parent in _demo(api, session, Role.PARENT):
        board = api.get("/api/v1/dashboards/parent", parent).get_json()
        for child in board["children"]:
            if child["overall_average"] is None:
                continue
            first = session.scalar(
                select(func.min(Assessment.assessed_on)).where(
                    Assessment.student_id == child["student_id"]
                )
            )
            text = _pdf_text(api, parent, child["student_id"], first.isoformat())
            general = formats.number(child["overall_average"], 2, lang="fr")
            # The key figures follow the period line; the general average comes first.
            figure = re.search(r"Période du \S+ au \S+ (\S+)/20 ", text)
            assert figure is not None and "Moyenne générale" in text, text[:400]
            assert figure.group(1) == general
            for subject in child["progress"]:
                average = formats.number(subject["average"], 2, "fr")
                assert f"{subject['subject_label']} {average} " in text
            api_view = api.get(
                f"/api/v1/students/{child['student_id']}/progress", parent
            ).get_json()
            assert api_view["overall_average"] == child["overall_average"]
            assert {s["subject"]: s["average"] for s in api_view["subjects"]} == {
                s["subject"]: s["average"] for s in child["progress"]
            }
            checked += 1
    assert checked >= 2  # the demo family's children have marks


def test_the_dashboard_and_aria_name_the_same_weakest_chapters(
    app: Flask, api: Api, session: Session
) -> None:
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    checked = 0
    for student in _demo(api, session, Role.STUDENT):
        board: dict[str, Any] = api.get("/api/v1/dashboards/student", student).get_json()
        weakest = [c["chapter"] for c in board["weakest_chapters"]]
        if not weakest:
            continue
        aria = api.get("/api/v1/aria/recommendations", student).get_json()
        assert [r["chapter"] for r in aria["items"]] == weakest
        for item in board["recommended_content"]:
            if item["reason"].startswith(REWORK):
                assert item["reason"][len(REWORK) :].rsplit(" (", 1)[0] in weakest
        checked += 1
    assert checked >= 2


def test_the_dashboard_recommends_the_first_of_arias_items(
    app: Flask, api: Api, session: Session
) -> None:
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    recommended = 0
    for student in _demo(api, session, Role.STUDENT):
        board: dict[str, Any] = api.get("/api/v1/dashboards/student", student).get_json()
        aria = api.get("/api/v1/aria/recommendations", student).get_json()
        shown = [item["content_id"] for item in board["recommended_content"]]
        given = [item["id"] for chapter in aria["items"] for item in chapter["items"]]
        assert shown == given[: len(shown)], (student.user.email, shown, given)
        if board["weakest_chapters"]:
            assert shown, student.user.email  # the demo bank covers every weak chapter's subject
        recommended += bool(shown)
    assert recommended >= 2
