"""Offline hints: progressive, grounded in the chapter's lessons, never the solution."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from tests.factories.aria import LINKED_LIST_SOLUTION, PRODUCT_SOLUTION, Bank
from tests.support.api import Actor, Api


def _hint(api: Api, actor: Actor, content_id: int, level: int) -> dict:
    response = api.post(f"/api/v1/aria/exercises/{content_id}/hints", actor, json={"level": level})
    assert response.status_code == 200, response.get_json()
    body: dict = response.get_json()
    return body


@pytest.mark.parametrize("level", [1, 2, 3])
def test_offline_hints_never_contain_the_solution(
    api: Api, bank: Bank, student: Actor, level: int
) -> None:
    for exercise, solution in (
        (bank.product_exercise, PRODUCT_SOLUTION),
        (bank.linked_list_exercise, LINKED_LIST_SOLUTION),
    ):
        hint = _hint(api, student, exercise.id, level)
        assert hint["offline"] is True and hint["provider"] == "offline"
        assert hint["hint"].startswith(f"Indice {level}/3")
        assert hint["level"] == level and hint["exercise_id"] == exercise.id
        for line in solution.splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in hint["hint"]
        assert "9x²" not in hint["hint"] and "n = n + 1" not in hint["hint"]


def test_hints_get_more_precise_level_by_level(api: Api, bank: Bank, student: Actor) -> None:
    first, second, third = (_hint(api, student, bank.product_exercise.id, n) for n in (1, 2, 3))
    assert "« Dérivation »" in first["hint"] and "« Dérivée d'un produit »" in first["hint"]
    assert "(uv)' = u'v + uv'" in second["hint"]
    assert "3 questions" in second["hint"]
    assert "Identifier deux fonctions u et v" in third["hint"]
    cited = [c["id"] for c in first["citations"]]
    assert cited == [bank.product_exercise.id, bank.product_lesson.id]


def test_hints_are_for_exercises_only(api: Api, bank: Bank, student: Actor) -> None:
    lesson = api.post(
        f"/api/v1/aria/exercises/{bank.product_lesson.id}/hints", student, json={"level": 1}
    )
    assert lesson.status_code == 404
    missing = api.post("/api/v1/aria/exercises/999999/hints", student, json={"level": 1})
    assert missing.status_code == 404
    bad_level = api.post(
        f"/api/v1/aria/exercises/{bank.product_exercise.id}/hints", student, json={"level": 4}
    )
    assert bad_level.status_code == 422
    assert bad_level.get_json()["error"]["fields"][0]["field"] == "level"
    long_attempt = api.post(
        f"/api/v1/aria/exercises/{bank.product_exercise.id}/hints",
        student,
        json={"level": 1, "attempt": "x" * 2001},
    )
    assert long_attempt.status_code == 422
    assert long_attempt.get_json()["error"]["fields"][0]["field"] == "attempt"


def test_an_exercise_without_lessons_still_gets_hints(
    api: Api, student: Actor, session: Session
) -> None:
    from nexus.content.vocabulary import ContentKind, Level, Subject
    from tests.factories.content import ContentItemFactory

    lonely = ContentItemFactory(
        kind=ContentKind.EXERCISE,
        title="Énigme isolée",
        subject=Subject.PHILOSOPHIE,
        level=Level.TERMINALE,
        chapter="Logique",
        body="Un menteur dit : je mens. Dit-il vrai ?",
        solution="Le paradoxe du menteur n'a pas de valeur de vérité stable.",
    )
    session.commit()
    hints = [_hint(api, student, lonely.id, n)["hint"] for n in (1, 2, 3)]
    assert "Repère dans l'énoncé" in hints[0]
    assert "reprends la définition" in hints[1]
    assert "Dit-il vrai ?" in hints[2]
    assert all("paradoxe" not in h for h in hints)


def test_teachers_may_ask_for_hints_parents_may_not(api: Api, bank: Bank) -> None:
    teacher = api.actor(Role.TEACHER)
    assert _hint(api, teacher, bank.product_exercise.id, 1)["offline"] is True
    parent = api.actor(Role.PARENT)
    response = api.post(
        f"/api/v1/aria/exercises/{bank.product_exercise.id}/hints", parent, json={"level": 1}
    )
    assert response.status_code == 403
