"""Conversations: create, list (paginated, sorted), read, rename, delete; only one's own."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.aria.models import Message
from tests.factories.aria import Bank
from tests.support.api import Actor, Api

BASE = "/api/v1/aria/conversations"


def test_create_list_read_rename_delete(
    api: Api, bank: Bank, student: Actor, session: Session
) -> None:
    created = api.post(BASE, student, json={"title": "Révisions NSI"})
    assert created.status_code == 201
    conversation = created.get_json()
    assert conversation["title"] == "Révisions NSI" and conversation["message_count"] == 0
    cid = conversation["id"]

    answer = api.post(f"{BASE}/{cid}/messages", student, json={"content": "Les listes chaînées"})
    assert answer.status_code == 201

    detail = api.get(f"{BASE}/{cid}", student).get_json()
    assert detail["message_count"] == 2
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]
    assert detail["messages"][0]["content"] == "Les listes chaînées"
    assert detail["messages"][0]["provider"] is None
    assert detail["messages"][1]["citations"][0]["title"] == "Listes chaînées en Python"
    assert detail["updated_at"] >= detail["created_at"]

    renamed = api.patch(f"{BASE}/{cid}", student, json={"title": "  Listes chaînées  "})
    assert renamed.status_code == 200
    assert renamed.get_json()["title"] == "Listes chaînées"
    assert renamed.get_json()["message_count"] == 2

    assert api.delete(f"{BASE}/{cid}", student).status_code == 204
    assert api.get(f"{BASE}/{cid}", student).status_code == 404
    left = session.scalar(select(func.count(Message.id)).where(Message.conversation_id == cid))
    assert left == 0


def test_the_first_question_names_an_untitled_conversation(
    api: Api, bank: Bank, student: Actor
) -> None:
    cid = api.post(BASE, student, json={}).get_json()["id"]
    assert api.get(f"{BASE}/{cid}", student).get_json()["title"] == "Nouvelle conversation"
    question = "Peux-tu m'expliquer pourquoi insérer en tête d'une liste chaînée est rapide ?"
    api.post(f"{BASE}/{cid}/messages", student, json={"content": question})
    title = api.get(f"{BASE}/{cid}", student).get_json()["title"]
    assert title.startswith("Peux-tu m'expliquer") and len(title) == 60 and title.endswith("…")


def test_list_is_paginated_and_sorted(api: Api, student: Actor) -> None:
    for title in ("Bêta", "Alpha", "Gamma"):
        api.post(BASE, student, json={"title": title})
    page = api.get(f"{BASE}?page=1&page_size=2", student).get_json()
    assert page["total"] == 3 and page["page"] == 1 and page["page_size"] == 2
    assert [c["title"] for c in page["items"]] == ["Gamma", "Alpha"]  # most recent first
    second = api.get(f"{BASE}?page=2&page_size=2", student).get_json()
    assert [c["title"] for c in second["items"]] == ["Bêta"]
    by_title = api.get(f"{BASE}?sort=title", student).get_json()
    assert [c["title"] for c in by_title["items"]] == ["Alpha", "Bêta", "Gamma"]
    oldest = api.get(f"{BASE}?sort=created_at", student).get_json()
    assert [c["title"] for c in oldest["items"]] == ["Bêta", "Alpha", "Gamma"]

    bad = api.get(f"{BASE}?sort=password", student)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"][0]["field"] == "sort"
    too_big = api.get(f"{BASE}?page_size=500", student)
    assert too_big.status_code == 422
    assert too_big.get_json()["error"]["fields"][0]["field"] == "page_size"


def test_someone_elses_conversation_is_404_everywhere(
    api: Api, bank: Bank, student: Actor, conversation_id: int
) -> None:
    intruder = api.actor(Role.STUDENT)
    teacher = api.actor(Role.TEACHER)
    for actor in (intruder, teacher):
        url = f"{BASE}/{conversation_id}"
        assert api.get(url, actor).status_code == 404
        assert api.patch(url, actor, json={"title": "Piraté"}).status_code == 404
        assert api.delete(url, actor).status_code == 404
        posted = api.post(f"{url}/messages", actor, json={"content": "les listes"})
        assert posted.status_code == 404
        assert api.get(BASE, actor).get_json()["total"] == 0
    assert api.get(f"{BASE}/{conversation_id}", student).get_json()["title"] != "Piraté"
    assert api.get(f"{BASE}/999999", student).status_code == 404


def test_bad_input_names_the_field(api: Api, student: Actor, conversation_id: int) -> None:
    long_title = api.post(BASE, student, json={"title": "x" * 121})
    assert long_title.status_code == 422
    assert long_title.get_json()["error"]["fields"][0]["field"] == "title"
    extra = api.post(BASE, student, json={"title": "ok", "user_id": 1})
    assert extra.status_code == 422
    assert extra.get_json()["error"]["fields"][0]["field"] == "user_id"
    blank = api.patch(f"{BASE}/{conversation_id}", student, json={"title": " "})
    assert blank.status_code == 422
