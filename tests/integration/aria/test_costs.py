"""ARIA's cost: each answer priced by model, reported per day, user and model, counted for
Prometheus, and a monthly budget beyond which ARIA answers offline and says so in French."""

from __future__ import annotations

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from nexus.accounts.roles import Role
from nexus.clock import paris_today
from tests.factories.aria import Bank
from tests.support.api import Actor, Api
from tests.support.fake_openai import FakeOpenAI, Reply

PRICES = '{"gpt-4o-mini": {"prompt": 0.2, "completion": 0.8}}'


def _cost_counter(app: Flask) -> dict[str, float]:
    body = app.test_client().get("/metrics").get_data(as_text=True)
    return {
        sample.labels["model"]: sample.value
        for family in text_string_to_metric_families(body)
        if family.name == "nexus_aria_cost_euros"
        for sample in family.samples
        if sample.name == "nexus_aria_cost_euros_total"
    }


@pytest.mark.aria_settings(
    aria_prices={"gpt-4o-mini": {"prompt": 0.2, "completion": 0.8}},
    aria_daily_token_quota=10_000_000,  # the answers below are priced by the million tokens
)
def test_each_answer_is_priced_and_reported_per_model(
    api: Api, app: Flask, bank: Bank, student: Actor, conversation_id: int, fake_openai: FakeOpenAI
) -> None:
    del bank
    before = _cost_counter(app).get("gpt-4o-mini", 0.0)
    fake_openai.script(
        Reply.answer("Réponse 1.", prompt_tokens=500_000, completion_tokens=100_000),
        Reply.error(500),
    )
    url = f"/api/v1/aria/conversations/{conversation_id}/messages"
    for _ in range(2):  # the second one is the offline fallback: it costs nothing
        assert api.post(url, student, json={"content": "les listes"}).status_code == 201
    report = api.get("/api/v1/admin/aria/usage", api.actor(Role.ADMIN)).get_json()
    # 0.5 M prompt tokens × 0.2 € + 0.1 M completion tokens × 0.8 € = 0.18 €
    assert report["totals"]["cost_eur"] == pytest.approx(0.18)
    by_model = {row["model"]: row for row in report["by_model"]}
    assert by_model["gpt-4o-mini"]["cost_eur"] == pytest.approx(0.18)
    assert by_model["gpt-4o-mini"]["messages"] == 1
    assert by_model["offline"]["cost_eur"] == 0 and by_model["offline"]["messages"] == 1
    assert report["by_user"][0]["cost_eur"] == pytest.approx(0.18)
    assert report["by_day"] == [{"day": paris_today().isoformat(), **report["totals"]}]
    assert report["budget_eur"] is None
    assert report["month_to_date_eur"] == pytest.approx(0.18)
    assert _cost_counter(app)["gpt-4o-mini"] == pytest.approx(before + 0.18)


@pytest.mark.aria_settings(
    aria_prices={"gpt-4o-mini": {"prompt": 0.2, "completion": 0.8}},
    aria_monthly_budget_eur=0.1,
    aria_daily_token_quota=10_000_000,
)
def test_beyond_the_monthly_budget_aria_answers_offline_and_says_why(
    api: Api, bank: Bank, student: Actor, conversation_id: int, fake_openai: FakeOpenAI
) -> None:
    del bank
    fake_openai.script(
        Reply.answer("Réponse du modèle.", prompt_tokens=500_000, completion_tokens=100_000),
        Reply.answer("Jamais envoyée.", prompt_tokens=10, completion_tokens=10),
    )
    url = f"/api/v1/aria/conversations/{conversation_id}/messages"
    first = api.post(url, student, json={"content": "les listes chaînées"}).get_json()
    assert first["offline"] is False and first["content"] == "Réponse du modèle."
    # 0.18 € spent of a 0.10 € budget: the model is no longer called.
    second = api.post(url, student, json={"content": "les piles"}).get_json()
    assert second["offline"] is True
    assert second["content"].startswith("Le budget mensuel d'ARIA est atteint : ARIA répond")
    assert "jusqu'au 1er " in second["content"]
    assert len(fake_openai.requests) == 1
    plan = api.post("/api/v1/aria/study-plans", student, json={"weeks": 2}).get_json()
    assert plan["offline"] is True and plan["summary"].startswith("Le budget mensuel d'ARIA")
    report = api.get("/api/v1/admin/aria/usage", api.actor(Role.ADMIN)).get_json()
    assert report["budget_eur"] == 0.1
    assert report["month_to_date_eur"] == pytest.approx(0.18)


def test_prices_and_budget_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from nexus.config import Settings

    monkeypatch.setenv("ARIA_PRICES", PRICES)
    monkeypatch.setenv("ARIA_MONTHLY_BUDGET_EUR", "25")
    settings = Settings()
    assert settings.aria_prices["gpt-4o-mini"].completion == 0.8
    assert settings.aria_monthly_budget_eur == 25
