"""The offline tutor: answers from the content bank alone, clearly labelled as such.

Used when no API key is configured, when the circuit is open, or when the provider fails or
times out. Deterministic: the same question over the same bank gives the same answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from nexus.aria.providers.base import Completion, Delta, StreamPart, Usage, estimate_tokens
from nexus.aria.retrieval import excerpt
from nexus.content.labels import KINDS, LEVELS, SUBJECTS
from nexus.content.search import SearchHit
from nexus.content.vocabulary import ContentKind

OFFLINE_LABEL = (
    "[ARIA hors ligne] Réponse construite à partir des ressources Nexus Réussite, "
    "sans intelligence artificielle générative."
)
NOTHING_FOUND = (
    "Je n'ai trouvé aucune leçon ni aucun exercice de la banque Nexus Réussite qui corresponde "
    "à ta question. Reformule-la avec les mots du cours (le nom du chapitre, par exemple "
    "« dérivation » ou « listes chaînées »), ou pose-la à ton professeur lors de ta prochaine "
    "séance."
)


def offline_text(question: str, hits: Sequence[SearchHit]) -> str:
    if not hits:
        return f"{OFFLINE_LABEL}\n\n{NOTHING_FOUND}"
    lines = [OFFLINE_LABEL, "", "Voici les ressources les plus proches de ta question :"]
    for number, hit in enumerate(hits, 1):
        item = hit.item
        lines.append(
            f"{number}. « {item.title} » ({KINDS[item.kind]}, {SUBJECTS[item.subject]}, "
            f"{LEVELS[item.level]}, chapitre « {item.chapter} ») — ressource #{item.id}"
        )
        lines.append(f"   Extrait : {excerpt(item.body, question)}")
    lines.extend(["", _advice(hits)])
    return "\n".join(lines)


def _advice(hits: Sequence[SearchHit]) -> str:
    lesson = next((h.item for h in hits if h.item.kind is not ContentKind.EXERCISE), None)
    exercise = next((h.item for h in hits if h.item.kind is ContentKind.EXERCISE), None)
    if lesson is not None and exercise is not None:
        return (
            f"Conseil : lis d'abord « {lesson.title} », puis entraîne-toi avec l'exercice "
            f"« {exercise.title} ». Si tu bloques, demande un indice à ARIA sur cet exercice."
        )
    if exercise is not None:
        return (
            f"Conseil : essaie l'exercice « {exercise.title} » ; si tu bloques, demande un "
            "indice à ARIA plutôt que la solution."
        )
    assert lesson is not None  # nosec B101 - hits is not empty
    return (
        f"Conseil : relis « {lesson.title} » en notant les définitions et les méthodes, puis "
        "explique-les avec tes propres mots."
    )


def offline_completion(question: str, hits: Sequence[SearchHit]) -> Completion:
    text = offline_text(question, hits)
    return Completion(text, Usage(estimate_tokens(question), estimate_tokens(text), True))


def offline_stream(completion: Completion) -> Iterator[StreamPart]:
    """The offline answer line by line, as if streamed."""
    lines = completion.text.split("\n")
    for index, line in enumerate(lines):
        yield Delta(line + ("\n" if index < len(lines) - 1 else ""))
    yield completion.usage
