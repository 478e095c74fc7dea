"""A PATCH racing a DELETE of the same object: the loser gets 404 with the error shape, never a
500, and nothing of the PATCH is written.

The race is made deterministic with a hook on the app's sessions: when the PATCH is about to
flush its UPDATE (the object loaded, the change made), the DELETE is sent over HTTP from
another thread. On PostgreSQL the hook waits until the DELETE has committed, so the PATCH's
UPDATE matches no row (``StaleDataError``). On SQLite every transaction takes the write lock
when it begins (``BEGIN IMMEDIATE``): the DELETE waits for the PATCH, the race cannot happen,
and the test checks that both still answer properly in that order.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from nexus import create_app
from nexus.accounts import services as accounts
from nexus.accounts.roles import Role
from nexus.aria.models import Conversation
from nexus.assessments.models import Assessment
from nexus.content.models import ContentItem
from nexus.db import Database, db
from nexus.migrations import runner
from nexus.offers.models import Offer
from tests.conftest import USES_POSTGRES, make_settings
from tests.support import services
from tests.support.http import request
from tests.support.threaded_server import serve_in_thread

PASSWORD = "Révisions2026!"


@dataclass
class Server:
    app: Flask
    url: str
    admin: dict[str, str]
    student: dict[str, str]
    student_id: int


def _login(url: str, email: str) -> dict[str, str]:
    response = request("POST", f"{url}/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.body
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(name="database_url", scope="module")
def _database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own: the race needs two real transactions at once."""
    if USES_POSTGRES:
        with services.scratch_database(services.require_postgres(), "nexus_race") as url:
            yield url
        return
    yield f"sqlite:///{tmp_path_factory.mktemp('race') / 'race.db'}"


@pytest.fixture(name="server", scope="module")
def _server(database_url: str) -> Iterator[Server]:
    # Live apps on their own database take SQLite's write lock up front (the default).
    settings = make_settings(database_url, sqlite_immediate_transactions=True)
    runner.upgrade(settings)
    app = create_app(settings)
    tag = uuid.uuid4().hex[:8]
    with app.app_context(), db.standalone_session(app) as session:
        admin = accounts.create_user(
            session,
            email=f"admin-{tag}@nexus-reussite.fr",
            password=PASSWORD,
            role=Role.ADMIN,
            first_name="Ada",
            last_name="Admin",
        )
        student = accounts.create_user(
            session,
            email=f"eleve-{tag}@nexus-reussite.fr",
            password=PASSWORD,
            role=Role.STUDENT,
            first_name="Lucas",
            last_name="Martin",
        )
        emails, student_id = (admin.email, student.email), student.id
    with serve_in_thread(app) as url:
        yield Server(app, url, _login(url, emails[0]), _login(url, emails[1]), student_id)
    Database.engine_for(app).dispose()


@dataclass(frozen=True)
class Resource:
    path: str
    model: type[Any]
    owner: str  # "admin" or "student"
    create: Callable[[Server, str], dict[str, Any]]
    change: dict[str, Any]


RESOURCES = [
    Resource(
        "/api/v1/content",
        ContentItem,
        "admin",
        lambda s, tag: {
            "kind": "lesson",
            "title": f"Dériver un produit {tag}",
            "subject": "mathematiques",
            "level": "premiere",
            "chapter": "Dérivation",
            "body": "La formule (uv)' = u'v + uv'.",
        },
        {"summary": "Version plus exigeante."},
    ),
    Resource(
        "/api/v1/offers",
        Offer,
        "admin",
        lambda s, tag: {
            "code": f"stage-{tag}",
            "name": f"Stage intensif {tag}",
            "kind": "holiday_intensive",
            "description": "Cinq matinées de révisions.",
            "price_cents": 32_000,
            "hours": 15,
            "max_group_size": 6,
        },
        {"price_cents": 42_000},
    ),
    Resource(
        "/api/v1/assessments",
        Assessment,
        "admin",
        lambda s, tag: {
            "student_id": s.student_id,
            "subject": "mathematiques",
            "chapter": f"Suites {tag}",
            "score": 15.5,
            "max_score": 20,
            "assessed_on": (date.today() - timedelta(days=2)).isoformat(),
        },
        {"score": 12},
    ),
    Resource(
        "/api/v1/aria/conversations",
        Conversation,
        "student",
        lambda s, tag: {"title": f"Listes chaînées {tag}"},
        {"title": "Piles et files"},
    ),
]


def _delete_when_patch_flushes(
    app: Flask, model: type[Any], delete: Callable[[], None]
) -> Callable[[], None]:
    """Arm the hook; returns a function that waits for the DELETE's thread."""
    armed = threading.Event()
    armed.set()
    threads: list[threading.Thread] = []

    def before_flush(session: Session, *_args: object) -> None:
        if not armed.is_set() or not any(isinstance(o, model) for o in session.dirty):
            return
        armed.clear()
        thread = threading.Thread(target=delete, daemon=True)
        threads.append(thread)
        thread.start()
        if USES_POSTGRES:
            thread.join(timeout=30)  # the DELETE commits before the UPDATE is sent

    event.listen(Database.factory_for(app), "before_flush", before_flush)

    def wait() -> None:
        for thread in threads:
            thread.join(timeout=30)
        event.remove(Database.factory_for(app), "before_flush", before_flush)

    return wait


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.path.rsplit("/", 1)[-1] for r in RESOURCES])
def test_a_patch_racing_a_delete_never_answers_500(server: Server, resource: Resource) -> None:
    headers = server.admin if resource.owner == "admin" else server.student
    created = request(
        "POST", server.url + resource.path, resource.create(server, uuid.uuid4().hex[:8]), headers
    )
    assert created.status_code == 201, created.body
    url = f"{server.url}{resource.path}/{created.json()['id']}"

    deleted: list[int] = []
    wait = _delete_when_patch_flushes(
        server.app,
        resource.model,
        lambda: deleted.append(request("DELETE", url, None, headers, timeout=30).status_code),
    )
    patched = request("PATCH", url, resource.change, headers, timeout=30)
    wait()

    assert deleted == [204]
    if USES_POSTGRES:
        assert patched.status_code == 404, patched.body
        error = patched.json()["error"]
        assert error["code"] == "not_found"
        assert error["status"] == 404
        assert error["request_id"]
    else:  # serialised by the write lock: the PATCH went first
        assert patched.status_code == 200, patched.body
    assert request("GET", url, None, headers).status_code == 404
    row_id = int(url.rsplit("/", 1)[1])
    with db.standalone_session(server.app) as session:
        assert session.scalar(select(resource.model).where(resource.model.id == row_id)) is None
