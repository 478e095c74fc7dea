"""Statements, in-process ms and query plans of the dashboard and list endpoints.

Run against a PostgreSQL database seeded with ``nexus seed-demo --large --students N``::

    NEXUS_ENV=production SECRET_KEY=… DATABASE_URL=postgresql://… REDIS_URL=redis://… \\
        .venv/bin/python -m tests.support.query_report --repeat 50 [--explain plans.txt]

For each endpoint of the performance scenario that reads or writes the growing tables, it
signs in as a generated account (``nexus.demo.large``), sends the request through the test
client (the WSGI app with the environment's production settings, no sockets), counts the
statements sent to PostgreSQL (``before_cursor_execute``: BEGIN/COMMIT are not cursor
executions, so they are not in the count) and times ``--repeat`` requests on one thread
(median and p90 wall ms; median CPU ms of this process, i.e. the app's Python work without
the database's, less sensitive to a busy machine). With ``--explain``, every distinct
statement of one request is run again under ``EXPLAIN (ANALYZE, BUFFERS)`` with the same
parameters and the plans written to the file. A development tool, not a test: nothing is
asserted. ``--show`` prints each request's statements.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, text

from nexus import create_app
from nexus.accounts.models import User
from nexus.db import db
from nexus.demo.large import EMAIL_DOMAIN, LARGE_PASSWORD
from nexus.people.models import ParentLink


@dataclass
class Recorder:
    statements: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements.append((statement, params))


@contextmanager
def recording(app: Flask) -> Iterator[Recorder]:
    engine = db.engine_for(app)
    recorder = Recorder()
    event.listen(engine, "before_cursor_execute", recorder)
    try:
        yield recorder
    finally:
        event.remove(engine, "before_cursor_execute", recorder)


def sign_in(client: FlaskClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": LARGE_PASSWORD})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


Call = Callable[[], Any]


def _bookable(client: FlaskClient, today: date) -> tuple[dict[str, str], int]:
    """A student and a session they can book (and cancel: more than 24 h ahead)."""
    for number in range(1, 40):
        headers = sign_in(client, f"eleve{number:05d}@{EMAIL_DOMAIN}")
        found = client.get(
            "/api/v1/sessions",
            headers=headers,
            query_string={
                "available_only": "true",
                "from": (today + timedelta(days=10)).isoformat(),
                "page_size": 50,
            },
        ).get_json()["items"]
        for item in found:
            booked = client.post(
                f"/api/v1/sessions/{item['id']}/bookings", headers=headers, json={}
            )
            if booked.status_code == 201:
                client.post(
                    f"/api/v1/bookings/{booked.get_json()['id']}/cancel", headers=headers, json={}
                )
                return headers, int(item["id"])
    raise AssertionError("no bookable session found")


def endpoints(app: Flask, client: FlaskClient) -> dict[str, Call]:
    student = sign_in(client, f"eleve00001@{EMAIL_DOMAIN}")
    parent_email = f"parent00001@{EMAIL_DOMAIN}"
    parent = sign_in(client, parent_email)
    teacher = sign_in(client, f"prof0001@{EMAIL_DOMAIN}")
    with app.app_context():
        parent_id = db.session.scalar(select(User.id).where(User.email == parent_email))
        child = db.session.scalar(
            select(ParentLink.student_id).where(ParentLink.parent_id == parent_id).limit(1)
        )
    today = date.today()
    teacher_students = client.get("/api/v1/dashboards/teacher", headers=teacher).get_json()
    pupil = teacher_students["students"][0]["student_id"]

    def get(path: str, headers: dict[str, str], **params: Any) -> Call:
        def call() -> Any:
            response = client.get(path, headers=headers, query_string=params)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    booker, seat = _bookable(client, today)

    def book_and_cancel() -> Any:
        client.get(
            "/api/v1/sessions",
            headers=booker,
            query_string={
                "available_only": "true",
                "from": (today + timedelta(days=10)).isoformat(),
                "page_size": 20,
            },
        )
        booked = client.post(f"/api/v1/sessions/{seat}/bookings", headers=booker, json={})
        assert booked.status_code == 201, booked.get_json()
        cancelled = client.post(
            f"/api/v1/bookings/{booked.get_json()['id']}/cancel", headers=booker, json={}
        )
        assert cancelled.status_code == 200, cancelled.get_json()
        return cancelled

    def assessment() -> Any:
        response = client.post(
            "/api/v1/assessments",
            headers=teacher,
            json={
                "student_id": pupil,
                "subject": "mathematiques",
                "chapter": "Suites",
                "score": 14.0,
                "max_score": 20.0,
                "assessed_on": (today - timedelta(days=1)).isoformat(),
                "comment": "Devoir surveillé",
            },
        )
        assert response.status_code == 201, response.get_json()
        return response

    return {
        "GET /dashboards/student": get("/api/v1/dashboards/student", student),
        "GET /dashboards/parent": get("/api/v1/dashboards/parent", parent),
        "GET /dashboards/teacher": get("/api/v1/dashboards/teacher", teacher),
        "GET /teachers/me/sessions": get(
            "/api/v1/teachers/me/sessions", teacher, **{"from": today.isoformat()}
        ),
        "GET /students/me/bookings": get("/api/v1/students/me/bookings", student, when="upcoming"),
        "GET /students/{id}/bookings": get(f"/api/v1/students/{child}/bookings", parent),
        "GET /sessions?available_only": get(
            "/api/v1/sessions",
            student,
            available_only="true",
            page_size=20,
            **{"from": (today + timedelta(days=10)).isoformat()},
        ),
        "GET /notifications": get("/api/v1/notifications", parent),
        "GET /notifications/unread-count": get("/api/v1/notifications/unread-count", student),
        "GET /students/{id}/report.pdf": get(f"/api/v1/students/{child}/report.pdf", parent),
        "POST /assessments": assessment,
        "book + cancel (3 requests)": book_and_cancel,
    }


def explain(app: Flask, statements: list[tuple[str, Any]]) -> str:
    out = []
    seen = set()
    with app.app_context():
        connection = db.engine_for(app).connect()
        try:
            for statement, params in statements:
                verb = statement.lstrip().split(None, 1)[0].upper()
                if statement in seen or verb not in ("SELECT", "WITH"):
                    continue
                seen.add(statement)
                rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                out.append(" ".join(statement.split()))
                out.extend("    " + row[0] for row in rows)
                out.append("")
        finally:
            connection.rollback()
            connection.close()
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", help="write the plans of every endpoint's queries here")
    parser.add_argument("--only", help="only the endpoints whose name contains this")
    parser.add_argument("--show", action="store_true", help="print each request's statements")
    args = parser.parse_args()
    app = create_app()
    client = app.test_client()
    with app.app_context():
        students = db.session.scalar(text("SELECT count(*) FROM users WHERE role = 'student'"))
    calls = endpoints(app, client)
    plans = []
    print(f"students: {students}; {args.repeat} requests per endpoint, one thread")
    print("| endpoint | statements | median ms | p90 ms | median CPU ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, call in calls.items():
        if args.only and args.only not in name:
            continue
        call()  # warm-up (first-use imports, schema caches)
        with recording(app) as recorder:
            call()
        timings, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        timings.sort()
        p90 = timings[int(len(timings) * 0.9) - 1] if len(timings) >= 10 else timings[-1]
        median = statistics.median(timings)
        print(
            f"| {name} | {len(recorder.statements)} | {median:.2f} | {p90:.2f} "
            f"| {statistics.median(cpu):.2f} |"
        )
        if args.show:
            for statement, _params in recorder.statements:
                print("    " + " ".join(statement.split())[:150])
        if args.explain:
            plans.append(f"=== {name}\n{explain(app, recorder.statements)}")
    if args.explain:
        with open(args.explain, "w", encoding="utf-8") as handle:
            handle.write("\n".join(plans))


if __name__ == "__main__":
    main()
