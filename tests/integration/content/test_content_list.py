"""Listing the bank: pagination, filters, sorting, validation, chapter facets, API docs."""

from __future__ import annotations

from functools import cmp_to_key
from typing import Any

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.content.models import ContentItem
from nexus.language.collation import sqlite_compare
from tests.factories.content import make_item
from tests.support.api import Actor, Api

BASE = "/api/v1/content"


def _list(api: Api, actor: Actor, **params: Any) -> dict[str, Any]:
    response = api.get(BASE, actor, query_string=params)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_pages_hold_summaries_without_body_or_solution(
    api: Api, corpus: dict[str, ContentItem]
) -> None:
    student = api.actor(Role.STUDENT)
    first = _list(api, student, page_size=4)
    assert (first["total"], first["page"], first["page_size"], len(first["items"])) == (6, 1, 4, 4)
    second = _list(api, student, page_size=4, page=2)
    assert len(second["items"]) == 2
    slugs = [i["slug"] for i in first["items"] + second["items"]]
    assert sorted(slugs) == sorted(corpus)
    summary = first["items"][0]
    assert "body" not in summary and "solution" not in summary
    assert summary["score"] is None
    assert {"has_solution", "solution_published", "chapter", "difficulty"} <= set(summary)
    assert _list(api, student, page=9)["items"] == []


def _french_sorted(values: list[Any], reverse: bool = False) -> list[Any]:
    """Text the French way (accents and case second: nexus.language.collation), the rest as Python does."""
    if values and isinstance(values[0], str):
        return sorted(values, key=cmp_to_key(sqlite_compare), reverse=reverse)
    return sorted(values, reverse=reverse)


def test_default_order_is_by_title(api: Api, corpus: dict[str, ContentItem]) -> None:
    titles = [i["title"] for i in _list(api, api.actor(Role.PARENT))["items"]]
    assert titles == _french_sorted(titles)
    assert any(t.startswith("É") for t in titles[:-1])  # not sent after the Z


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("title", "title", False),
        ("-title", "title", True),
        ("chapter", "chapter", False),
        ("-difficulty", "difficulty", True),
        ("difficulty", "difficulty", False),
        ("created_at", "created_at", False),
        ("-updated_at", "updated_at", True),
    ],
)
def test_documented_sorts(
    api: Api, corpus: dict[str, ContentItem], sort: str, key: str, reverse: bool
) -> None:
    items = _list(api, api.actor(Role.TEACHER), sort=sort)["items"]
    values = [i[key] for i in items]
    assert values == _french_sorted(values, reverse=reverse)
    if sort == "difficulty":  # ties broken by id, so pages are stable
        ones = [i["id"] for i in items if i["difficulty"] == 2]
        assert ones == sorted(ones)


def test_filters(api: Api, corpus: dict[str, ContentItem], session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    mine = make_item(session, slug="a-moi", author_id=teacher.id, title="Mon cours")
    session.commit()

    def slugs(**params: Any) -> set[str]:
        return {i["slug"] for i in _list(api, teacher, **params)["items"]}

    assert slugs(subject="nsi") == {"listes-chainees", "listes-tableaux"}
    assert slugs(subject="mathematiques", level="terminale") == {"fiche-deriver"}
    assert slugs(chapter="Dérivation") == {"derivee-produit", "fiche-deriver"}
    assert slugs(kind="exercise") == {"etude-fonction"}
    assert slugs(difficulty_min=3) == {"derivee-produit", "listes-chainees"}
    assert slugs(difficulty_max=1) == {"listes-tableaux"}
    assert slugs(difficulty_min=2, difficulty_max=2, subject="nsi") == set()
    assert slugs(author_id=teacher.id) == {mine.slug}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "body"}, "sort"),
        ({"sort": "relevance"}, "sort"),
        ({"difficulty_min": 4, "difficulty_max": 2}, "difficulty_max"),
        ({"difficulty_min": 9}, "difficulty_min"),
        ({"page_size": 101}, "page_size"),
        ({"page": 0}, "page"),
        ({"subject": "latin"}, "subject"),
        ({"kind": "video"}, "kind"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"author": 3}, "author"),
    ],
)
def test_bad_list_parameters_name_the_field(api: Api, params: dict[str, Any], field: str) -> None:
    response = api.get(BASE, api.actor(Role.STUDENT), query_string=params)
    assert response.status_code == 422, response.get_json()
    assert field in [f["field"] for f in response.get_json()["error"]["fields"]]


def test_relevance_sort_is_explicit_or_default_with_q(
    api: Api, corpus: dict[str, ContentItem]
) -> None:
    student = api.actor(Role.STUDENT)
    default = [i["slug"] for i in _list(api, student, q="dérivée")["items"]]
    explicit = [i["slug"] for i in _list(api, student, q="dérivée", sort="relevance")["items"]]
    assert default == explicit == ["derivee-produit", "fiche-deriver", "etude-fonction"]
    paged = _list(api, student, q="dérivée", page_size=2, page=2)
    assert (paged["total"], [i["slug"] for i in paged["items"]]) == (3, ["etude-fonction"])


def test_chapter_facets(api: Api, corpus: dict[str, ContentItem]) -> None:
    student = api.actor(Role.STUDENT)
    response = api.get(f"{BASE}/chapters", student)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 6
    first = body["items"][0]
    assert first == {
        "subject": "mathematiques",
        "level": "premiere",
        "chapter": "Dérivation",
        "items": 1,
    }
    maths = api.get(f"{BASE}/chapters", student, query_string={"subject": "mathematiques"})
    assert [f["chapter"] for f in maths.get_json()["items"]] == [
        "Dérivation",
        "Fonctions",
        "Suites numériques",
        "Dérivation",
    ]
    filtered = api.get(
        f"{BASE}/chapters",
        student,
        query_string={"level": "premiere", "kind": "exercise", "page_size": 1},
    ).get_json()
    assert filtered["items"] == [
        {"subject": "mathematiques", "level": "premiere", "chapter": "Fonctions", "items": 1}
    ]
    bad = api.get(f"{BASE}/chapters", student, query_string={"level": "cp"})
    assert bad.status_code == 422


def test_every_content_route_is_documented_with_schemas_and_examples(api: Api) -> None:
    spec = api.get("/openapi.json").get_json()
    paths = spec["paths"]
    expected = {
        f"{BASE}": {"get", "post"},
        f"{BASE}/chapters": {"get"},
        f"{BASE}/{{content_id}}": {"get", "patch", "delete"},
        f"{BASE}/{{content_id}}/solution/publish": {"post"},
        f"{BASE}/{{content_id}}/solution/unpublish": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            operation = paths[path][method]
            assert operation["operationId"].startswith("content_")
            assert operation["security"] == [{"bearerAuth": []}]
            assert operation.get("summary") or operation.get("description")
    listing = paths[BASE]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"q", "sort", "page_size", "chapter"}
    schemas = spec["components"]["schemas"]
    for name in ("ContentCreate", "ContentUpdate", "ContentPublic", "ContentSummary"):
        assert schemas[name].get("example"), name
    assert schemas["ContentCreate"]["properties"]["difficulty"]["maximum"] == 5
    q = next(p for p in listing["parameters"] if p["name"] == "q")
    assert q["example"] == "dérivée d'un produit"
    created = paths[BASE]["post"]
    assert created["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ContentCreate"
    )
    assert {"201", "409", "422", "401", "403"} <= set(created["responses"])
