"""The admin usage report: answers and tokens per Paris day and per user."""

from __future__ import annotations

from datetime import timedelta

from nexus.accounts.roles import Role
from nexus.clock import paris_today
from tests.factories.aria import Bank
from tests.support.api import Actor, Api
from tests.support.fake_openai import FakeOpenAI, Reply


def test_the_report_shows_the_tokens_spent_per_day_and_per_user(
    api: Api, bank: Bank, student: Actor, conversation_id: int, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(
        Reply.answer("Réponse 1.", prompt_tokens=500, completion_tokens=120),
        Reply.answer("Réponse 2.", prompt_tokens=650, completion_tokens=80),
        Reply.error(500),
    )
    url = f"/api/v1/aria/conversations/{conversation_id}/messages"
    for _ in range(3):
        assert api.post(url, student, json={"content": "les listes"}).status_code == 201
    teacher = api.actor(Role.TEACHER)
    fake_openai.script(Reply.answer("Prof.", prompt_tokens=90, completion_tokens=10))
    assert api.post("/api/v1/aria/ask", teacher, json={"question": "les piles"}).status_code == 201
    # Deleting a conversation does not erase what it cost.
    assert api.delete(f"/api/v1/aria/conversations/{conversation_id}", student).status_code == 204

    admin = api.actor(Role.ADMIN)
    today = paris_today().isoformat()
    response = api.get(f"/api/v1/admin/aria/usage?from={today}&to={today}", admin)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["from"] == today and report["to"] == today
    offline_tokens = report["totals"]["total_tokens"] - (500 + 120 + 650 + 80 + 90 + 10)
    assert offline_tokens > 0  # the offline answer's estimate
    assert report["totals"]["messages"] == 4
    assert report["totals"]["offline_messages"] == 1
    assert report["by_day"] == [{"day": today, **report["totals"]}]
    by_user = {row["user_id"]: row for row in report["by_user"]}
    assert by_user[student.id]["messages"] == 3
    assert by_user[student.id]["prompt_tokens"] >= 500 + 650
    assert by_user[student.id]["email"] == student.user.email
    assert by_user[teacher.id]["total_tokens"] == 100
    assert report["by_user"][0]["user_id"] == student.id  # biggest spender first


def test_the_report_defaults_to_the_last_30_days_and_validates_its_range(
    api: Api,
) -> None:
    admin = api.actor(Role.ADMIN)
    body = api.get("/api/v1/admin/aria/usage", admin).get_json()
    today = paris_today()
    assert body["to"] == today.isoformat()
    assert body["from"] == (today - timedelta(days=29)).isoformat()
    assert body["totals"]["messages"] == 0 and body["by_day"] == [] and body["by_user"] == []

    inverted = api.get("/api/v1/admin/aria/usage?from=2026-11-10&to=2026-11-01", admin)
    assert inverted.status_code == 422
    assert inverted.get_json()["error"]["fields"][0]["field"] == "to"
    huge = api.get("/api/v1/admin/aria/usage?from=2020-01-01&to=2026-01-01", admin)
    assert huge.status_code == 422
    assert huge.get_json()["error"]["fields"][0]["field"] == "from"
    garbage = api.get("/api/v1/admin/aria/usage?from=yesterday", admin)
    assert garbage.status_code == 422
    assert garbage.get_json()["error"]["fields"][0]["field"] == "from"


def test_only_admins_read_the_report(api: Api, student: Actor) -> None:
    assert api.get("/api/v1/admin/aria/usage", student).status_code == 403
    teacher = api.actor(Role.TEACHER)
    assert api.get("/api/v1/admin/aria/usage", teacher).status_code == 403
