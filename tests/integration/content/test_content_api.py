"""Writing and reading content items over HTTP: roles, authorship, solutions, validation."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.content.models import ContentItem, ContentTerm
from tests.factories.content import ContentItemFactory, content_payload
from tests.support.api import Actor, Api

BASE = "/api/v1/content"


def _create(api: Api, actor: Actor, **overrides: Any) -> dict[str, Any]:
    response = api.post(BASE, actor, json=content_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _field_error(response: Any, field: str) -> None:
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert field in [f["field"] for f in error["fields"]], error


def test_teacher_writes_an_exercise_and_is_its_author(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    item = _create(api, teacher, title="Dériver un produit : (3x² + 1)√x")

    assert item["author_id"] == teacher.id
    assert item["slug"] == "deriver-un-produit-3x2-1-x"
    assert item["has_solution"] is True
    assert item["solution_visible"] is True  # teachers always see solutions
    assert item["solution"].startswith("f'(x)")
    assert item["solution_published"] is False
    stored = session.scalars(select(ContentItem).where(ContentItem.id == item["id"])).one()
    assert " deriv " in stored.search_terms and " produit " in stored.title_terms


def test_generated_slugs_never_collide(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    first = _create(api, teacher, title="Les suites géométriques")
    second = _create(api, teacher, title="Les suites géométriques")
    assert (first["slug"], second["slug"]) == (
        "les-suites-geometriques",
        "les-suites-geometriques-2",
    )


def test_an_explicit_slug_must_be_free(api: Api) -> None:
    teacher = api.actor(Role.ADMIN)
    _create(api, teacher, slug="suites")
    again = api.post(BASE, teacher, json=content_payload(slug="suites"))
    assert again.status_code == 409
    assert again.get_json()["error"]["fields"][0]["field"] == "slug"


@pytest.mark.parametrize("role", [Role.STUDENT, Role.PARENT])
def test_students_and_parents_cannot_write(api: Api, role: Role) -> None:
    response = api.post(BASE, api.actor(role), json=content_payload())
    assert response.status_code == 403


def test_reading_needs_a_sign_in(api: Api) -> None:
    assert api.get(BASE).status_code == 401
    assert api.get(f"{BASE}/1").status_code == 401


@pytest.mark.parametrize("role", [Role.STUDENT, Role.PARENT])
def test_solution_is_hidden_until_published(api: Api, role: Role) -> None:
    teacher = api.actor(Role.TEACHER)
    reader = api.actor(role)
    item_id = _create(api, teacher)["id"]

    hidden = api.get(f"{BASE}/{item_id}", reader).get_json()
    assert hidden["has_solution"] is True
    assert (hidden["solution"], hidden["solution_visible"]) == (None, False)
    assert hidden["body"].startswith("Soit f(x)")

    published = api.post(f"{BASE}/{item_id}/solution/publish", teacher)
    assert published.status_code == 200
    shown = api.get(f"{BASE}/{item_id}", reader).get_json()
    assert shown["solution_visible"] is True and shown["solution"].startswith("f'(x)")

    api.post(f"{BASE}/{item_id}/solution/unpublish", teacher)
    assert api.get(f"{BASE}/{item_id}", reader).get_json()["solution"] is None


def test_any_teacher_or_admin_publishes_and_admins_always_see(api: Api) -> None:
    author = api.actor(Role.TEACHER)
    colleague = api.actor(Role.TEACHER)
    admin = api.actor(Role.ADMIN)
    item_id = _create(api, author)["id"]
    assert api.get(f"{BASE}/{item_id}", admin).get_json()["solution_visible"] is True

    response = api.post(f"{BASE}/{item_id}/solution/publish", colleague)
    assert response.status_code == 200 and response.get_json()["solution_published"] is True
    again = api.post(f"{BASE}/{item_id}/solution/publish", admin)  # idempotent
    assert again.status_code == 200 and again.get_json()["solution_published"] is True


def test_publishing_needs_a_solution_and_a_teacher(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    lesson = _create(api, teacher, kind="lesson", solution=None)
    response = api.post(f"{BASE}/{lesson['id']}/solution/publish", teacher)
    assert response.status_code == 409
    assert response.get_json()["error"]["fields"][0]["field"] == "solution"
    student = api.actor(Role.STUDENT)
    assert api.post(f"{BASE}/{lesson['id']}/solution/publish", student).status_code == 403
    assert api.post(f"{BASE}/999999/solution/publish", teacher).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"difficulty": 6}, "difficulty"),
        ({"difficulty": 0}, "difficulty"),
        ({"kind": "podcast"}, "kind"),
        ({"subject": "latin"}, "subject"),
        ({"level": "cm2"}, "level"),
        ({"title": "  a "}, "title"),
        ({"chapter": ""}, "chapter"),
        ({"body": "   "}, "body"),
        ({"summary": "x" * 501}, "summary"),
        ({"slug": "Pas Un Slug"}, "slug"),
        ({"colour": "bleu"}, "colour"),
        ({"kind": "lesson"}, "solution"),
        ({"kind": "revision_sheet"}, "solution"),
        ({"solution": None, "solution_published": True}, "solution_published"),
    ],
)
def test_bad_items_are_refused_naming_the_field(
    api: Api, overrides: dict[str, Any], field: str
) -> None:
    response = api.post(BASE, api.actor(Role.TEACHER), json=content_payload(**overrides))
    _field_error(response, field)


def test_author_and_admin_edit_other_teachers_cannot(api: Api) -> None:
    author = api.actor(Role.TEACHER)
    item = _create(api, author)
    url = f"{BASE}/{item['id']}"

    changed = api.patch(url, author, json={"difficulty": 4, "title": "Produit et racine carrée"})
    assert changed.status_code == 200
    assert (changed.get_json()["difficulty"], changed.get_json()["title"]) == (
        4,
        "Produit et racine carrée",
    )
    assert changed.get_json()["slug"] == item["slug"]  # slugs are stable unless asked
    other = api.patch(url, api.actor(Role.TEACHER), json={"difficulty": 1})
    assert other.status_code == 403
    assert api.patch(url, api.actor(Role.STUDENT), json={"difficulty": 1}).status_code == 403
    by_admin = api.patch(url, api.actor(Role.ADMIN), json={"summary": ""})
    assert by_admin.status_code == 200 and by_admin.get_json()["summary"] == ""
    assert api.patch(f"{BASE}/999999", author, json={"difficulty": 1}).status_code == 404


def test_edits_keep_the_search_index_current(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    item = _create(api, teacher, kind="lesson", solution=None, title="Brouillon sans sujet")
    api.patch(f"{BASE}/{item['id']}", teacher, json={"title": "Les intégrales"})
    found = api.get(BASE, teacher, query_string={"q": "intégrale"}).get_json()
    assert [hit["id"] for hit in found["items"]] == [item["id"]]


def test_the_search_index_follows_every_filtered_column_and_the_deletion(
    api: Api, session: Session
) -> None:
    teacher = api.actor(Role.TEACHER)
    item = _create(
        api, teacher, kind="lesson", solution=None, title="Les intégrales", level="premiere"
    )

    def found(**filters: str) -> list[int]:
        query = {"q": "intégrale", **filters}
        return [hit["id"] for hit in api.get(BASE, teacher, query_string=query).get_json()["items"]]

    assert found(level="premiere") == [item["id"]] and found(level="terminale") == []
    # No word changes: only what the index copies for the filters and the tie-breaks.
    api.patch(f"{BASE}/{item['id']}", teacher, json={"level": "terminale", "difficulty": 5})
    assert found(level="terminale") == [item["id"]] and found(level="premiere") == []
    assert found(difficulty_min="5") == [item["id"]] and found(difficulty_max="4") == []
    assert api.delete(f"{BASE}/{item['id']}", teacher).status_code == 204
    assert found() == []
    left = session.scalar(
        select(func.count()).select_from(ContentTerm).where(ContentTerm.item_id == item["id"])
    )
    assert left == 0


def test_edits_follow_the_solution_rules(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    item = _create(api, teacher, solution_published=True)
    url = f"{BASE}/{item['id']}"

    _field_error(api.patch(url, teacher, json={"kind": "lesson"}), "solution")
    _field_error(api.patch(url, teacher, json={"title": None}), "title")
    _field_error(api.patch(url, teacher, json={"solution": ""}), "solution")
    _field_error(api.patch(url, teacher, json={"solution_published": False}), "solution_published")

    lesson = api.patch(url, teacher, json={"kind": "lesson", "solution": None})
    assert lesson.status_code == 200
    body = lesson.get_json()
    assert (body["kind"], body["has_solution"], body["solution_published"]) == (
        "lesson",
        False,
        False,
    )


def test_slug_changes_must_stay_unique(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    first = _create(api, teacher, slug="premier")
    second = _create(api, teacher, slug="second")
    clash = api.patch(f"{BASE}/{second['id']}", teacher, json={"slug": "premier"})
    assert clash.status_code == 409
    same = api.patch(f"{BASE}/{first['id']}", teacher, json={"slug": "premier"})
    assert same.status_code == 200
    renamed = api.patch(f"{BASE}/{second['id']}", teacher, json={"slug": "deuxieme"})
    assert renamed.get_json()["slug"] == "deuxieme"


def test_delete_by_author_or_admin_only(api: Api) -> None:
    author = api.actor(Role.TEACHER)
    first = _create(api, author)["id"]
    second = _create(api, author)["id"]

    assert api.delete(f"{BASE}/{first}", api.actor(Role.TEACHER)).status_code == 403
    assert api.delete(f"{BASE}/{first}", api.actor(Role.PARENT)).status_code == 403
    deleted = api.delete(f"{BASE}/{first}", author)
    assert deleted.status_code == 204 and deleted.data == b""
    assert api.get(f"{BASE}/{first}", author).status_code == 404
    assert api.delete(f"{BASE}/{first}", author).status_code == 404
    assert api.delete(f"{BASE}/{second}", api.actor(Role.ADMIN)).status_code == 204


def test_items_without_author_are_admin_only(api: Api, session: Session) -> None:
    item = ContentItemFactory(author_id=None)
    session.commit()
    teacher = api.actor(Role.TEACHER)
    assert api.patch(f"{BASE}/{item.id}", teacher, json={"difficulty": 3}).status_code == 403
    admin = api.actor(Role.ADMIN)
    assert api.patch(f"{BASE}/{item.id}", admin, json={"difficulty": 3}).status_code == 200


def test_unknown_or_malformed_ids(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    missing = api.get(f"{BASE}/424242", student)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    assert api.get(f"{BASE}/abc", student).status_code == 404
    _field_error(api.get(f"{BASE}/0", student), "content_id")


def test_a_slug_taken_concurrently_is_a_conflict(api: Api, app: Flask, session: Session) -> None:
    """Two writers pass the slug check at once: the unique constraint answers with a 409."""
    from nexus.accounts.tokens import Principal
    from nexus.content import services
    from nexus.content.schemas.items import ContentCreate
    from nexus.errors import Conflict

    teacher = api.create_user(Role.TEACHER)
    principal = Principal(user_id=teacher.id, role=Role.TEACHER, session_id="rival")
    mine = ContentCreate.model_validate(content_payload(slug="course"))
    theirs = ContentCreate.model_validate(content_payload(slug="course"))
    with app.app_context(), session.no_autoflush:
        # The rival's row is pending, so the slug check of the second writer cannot see it.
        session.add(ContentItemFactory.build(author_id=teacher.id, **theirs.model_dump()))
        with pytest.raises(Conflict) as raised:
            services.create_item(session, principal, mine)
    assert raised.value.fields[0].field == "slug"
    assert isinstance(raised.value.__cause__, IntegrityError)
    assert "slug" in str(raised.value.__cause__.orig)  # the unique constraint, not another one
    session.rollback()
