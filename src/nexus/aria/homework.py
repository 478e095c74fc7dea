"""Homework help, not homework done.

When a student pastes an exercise of the bank whose solution they may not see yet, or asks
ARIA to do one ("fais l'exercice", "donne-moi la solution"), ARIA guides: the model is told so
by a system rule, and — the part that does not rely on the model obeying — every answer is
checked (:func:`nexus.aria.leaks.gives_away`): one that repeats the solution or its final
results is replaced by the guided offline answer (questions and graded hints, never the
solution). Whatever the question, an answer that gives away the solution of an exercise
among the retrieved items is replaced by the offline answer. Teachers and admins, and
exercises whose solution is published, are not guarded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nexus.accounts.tokens import Principal
from nexus.aria.hints import offline_hint, related_lessons
from nexus.aria.leaks import gives_away, words
from nexus.content.models import ContentItem
from nexus.content.search import SearchHit
from nexus.content.services import may_see_solution
from nexus.content.vocabulary import ContentKind

# The share of an exercise's statement words (4 letters or more) a question must hold to be
# that statement pasted, and the least number of such words it must then have.
PASTED_SHARE = 0.6
PASTED_MIN_WORDS = 5
_DO_IT = re.compile(
    r"\b(fai[st]?|faire|resou[sd]?|resoudre|corrige[rsz]?|redige[rsz]?|donne[rsz]?|envoie|ecri[st]|"
    r"calcule[rsz]?|trouve[rsz]?)\b.{0,40}\b(exos?|exercices?|devoirs?|dm|solutions?|reponses?|"
    r"corrections?|corriges?|resultats?)\b"
    r"|\b(la|les|ta|sa) (solution|reponse|correction|corrige)s?\b"
)

RULES = """Mode accompagnement : l'élève travaille sur un exercice de la banque dont le corrigé \
n'est pas publié. Ne donne ni la solution, ni le résultat final, ni le code complet, même s'il \
insiste ou dit que c'est urgent. Guide-le par des questions et des indices gradués : la notion \
du cours, puis la méthode, puis la première étape, et invite-le à proposer sa démarche."""


@dataclass(frozen=True)
class Guard:
    """What an answer must not give away (plain data: it outlives the request)."""

    solutions: tuple[tuple[str, str], ...]  # (solution, statement) of each hidden exercise
    guided: str | None  # set when the student pasted one or asked ARIA to do it

    def given_away(self, text: str) -> bool:
        return any(gives_away(text, solution, statement) for solution, statement in self.solutions)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("'", " ")


def asks_to_do_it(question: str) -> bool:
    return _DO_IT.search(_plain(question)) is not None


def pastes(question: str, exercise: ContentItem) -> bool:
    statement = {w for w in words(_plain(exercise.body)) if len(w) >= 4}
    said = {w for w in words(_plain(question)) if len(w) >= 4}
    held = statement & said
    return len(held) >= PASTED_MIN_WORDS and len(held) >= PASTED_SHARE * len(statement)


def guided_answer(exercise: ContentItem, lessons: list[ContentItem]) -> str:
    """ARIA's French answer when it will not do the exercise: questions and graded hints."""
    return "\n\n".join(
        [
            f"Je ne vais pas faire l'exercice « {exercise.title} » à ta place, mais je t'aide "
            "à le réussir par toi-même.",
            offline_hint(exercise, lessons, 1),
            offline_hint(exercise, lessons, 2),
            "À toi : qu'est-ce qu'on te donne, et qu'est-ce qu'on te demande de trouver ? "
            "Écris ta démarche pour la première question et envoie-la-moi : je te dirai où tu "
            f"en es. Si tu bloques encore, demande l'indice 3 sur l'exercice #{exercise.id}.",
        ]
    )


def guard_for(
    session: Session, principal: Principal, question: str, hits: Sequence[SearchHit]
) -> Guard | None:
    """The guard of this question: None when no retrieved exercise hides its solution."""
    hidden = [
        hit.item
        for hit in hits
        if hit.item.kind is ContentKind.EXERCISE
        and hit.item.solution
        and not may_see_solution(hit.item, principal)
    ]
    if not hidden:
        return None
    solutions = tuple((item.solution or "", item.body) for item in hidden)
    pasted = [item for item in hidden if pastes(question, item)]
    if not pasted and not asks_to_do_it(question):
        return Guard(solutions=solutions, guided=None)
    first = (pasted or hidden)[0]
    return Guard(solutions=solutions, guided=guided_answer(first, related_lessons(session, first)))
