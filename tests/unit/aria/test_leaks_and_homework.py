"""The output check's two nets, and when a question asks ARIA to do the homework."""

from __future__ import annotations

import pytest

from nexus.aria.homework import asks_to_do_it
from nexus.aria.leaks import final_results, gives_away

SOLUTION = "C(10) = 2000 × 1,03^10 ≈ 2687,83 donc le capital final vaut 2688 euros."
STATEMENT = "Un capital de 2000 euros est placé à 3 % par an pendant dix ans."


def test_final_results_are_the_solutions_figures_not_the_statements() -> None:
    assert final_results(SOLUTION, STATEMENT) == {"2687,83", "2688"}


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("Tu trouves environ 2 688 € au bout de dix ans.", True),
        ("Le capital vaut 2687.83 euros.", True),
        ("Le capital de départ est de 2000 euros : que se passe-t-il chaque année ?", False),
        ("Multiplie par 1,03 chaque année : combien d'années en tout ?", False),
    ],
)
def test_gives_away_the_results_however_written(text: str, leak: bool) -> None:
    assert gives_away(text, SOLUTION, STATEMENT) is leak


@pytest.mark.parametrize(
    "question",
    [
        "fais moi l'exo 3 stp",
        "Peux-tu résoudre cet exercice ?",
        "donne moi la solution",
        "tu peux me donner la réponse de l'exercice sur les suites",
        "corrige mon DM de maths",
        "Ecris le code de l'exercice",
        "quelle est la correction ?",
    ],
)
def test_requests_to_do_the_homework(question: str) -> None:
    assert asks_to_do_it(question)


@pytest.mark.parametrize(
    "question",
    [
        "Comment dériver un produit de fonctions ?",
        "Je ne comprends pas les listes chaînées",
        "Peux-tu m'expliquer la méthode du discriminant ?",
        "c'est quoi une suite géométrique",
    ],
)
def test_ordinary_questions_are_not_homework_requests(question: str) -> None:
    assert not asks_to_do_it(question)
