"""Progressive hints for an exercise that never give its solution away.

Offline: level 1 points to the chapter and its lesson, level 2 gives the method (the lesson's
sentences closest to the statement), level 3 the first step (the statement's first question
and the lesson sentence that serves it). The ``solution`` column is never read into a hint or
sent to the model; as a second net, any sentence sharing a run of words with the solution is
dropped, and an online hint that does so is replaced by the offline one.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.tokens import Principal
from nexus.aria import costs, quotas
from nexus.aria.leaks import gives_away
from nexus.aria.models import ProviderName, UsageKind
from nexus.aria.prompts import (
    CONTEXT_CLOSE,
    CONTEXT_OPEN,
    HINT_RULES,
    as_data,
    describe,
    system_prompt,
)
from nexus.aria.providers.base import ChatTurn, Completion, Usage, estimate_tokens
from nexus.aria.redaction import redact
from nexus.aria.retrieval import citation, excerpt, load_learner, sentences
from nexus.aria.runtime import AriaRuntime
from nexus.aria.schemas.conversations import Citation
from nexus.aria.schemas.tutoring import HintPublic
from nexus.aria.services import usage_public
from nexus.aria.usage import record_usage
from nexus.content.labels import SUBJECTS
from nexus.content.models import ContentItem
from nexus.content.search import search_content
from nexus.content.vocabulary import ContentKind
from nexus.errors import NotFound, Unprocessable
from nexus.language import _

_QUESTION = re.compile(r"^\s*(?:\d+[.)]|[a-z][.)]|-|•)\s*", re.IGNORECASE)
DEFAULT_REQUEST = "Je bloque sur cet exercice : peux-tu me donner un indice ?"


def _without_leaks(parts: list[str], exercise: ContentItem) -> str:
    return " ".join(p for p in parts if p and not gives_away(p, exercise.solution, exercise.body))


def related_lessons(session: Session, exercise: ContentItem, limit: int = 2) -> list[ContentItem]:
    kinds = (ContentKind.LESSON, ContentKind.REVISION_SHEET)
    same_chapter = list(
        session.scalars(
            select(ContentItem)
            .where(
                ContentItem.subject == exercise.subject,
                ContentItem.chapter == exercise.chapter,
                ContentItem.kind.in_(kinds),
            )
            .order_by((ContentItem.level == exercise.level).desc(), ContentItem.id)
            .limit(limit)
        )
    )
    if same_chapter:
        return same_chapter
    query = f"{exercise.title} {exercise.chapter}"
    hits = search_content(session, query, subject=exercise.subject, kinds=kinds, limit=limit)
    return [hit.item for hit in hits]


def offline_hint(exercise: ContentItem, lessons: list[ContentItem], level: int) -> str:
    lesson = lessons[0] if lessons else None
    statement = sentences(exercise.body)
    if level == 1:
        parts = [
            f"Indice 1/3 — Cet exercice porte sur le chapitre « {exercise.chapter} » "
            f"({SUBJECTS[exercise.subject]}).",
            (
                f"Commence par relire « {lesson.title} » (ressource #{lesson.id}) : "
                f"{lesson.summary}"
                if lesson
                else "Repère dans l'énoncé ce qui est donné et ce qui est demandé."
            ),
            "Écris ensuite, avec tes mots, ce que l'on te demande de trouver.",
        ]
    elif level == 2:
        method = excerpt(lesson.body, exercise.body, 320) if lesson else ""
        questions = [s for s in exercise.body.splitlines() if _QUESTION.match(s)]
        parts = [
            "Indice 2/3 — La méthode du cours à appliquer :",
            method or "reprends la définition du chapitre et applique-la pas à pas.",
            (
                f"L'énoncé compte {len(questions)} questions : traite-les dans l'ordre, chacune "
                "prépare la suivante."
                if len(questions) > 1
                else "Découpe le problème en petites étapes et vérifie chacune."
            ),
        ]
    else:
        numbered = [line for line in exercise.body.splitlines() if _QUESTION.match(line)]
        first = numbered[0] if numbered else next((s for s in statement if "?" in s), statement[0])
        parts = [
            f"Indice 3/3 — Première étape : « {_QUESTION.sub('', first)} »",
            (
                "Pour la franchir, appuie-toi sur ceci : " + excerpt(lesson.body, first, 240)
                if lesson
                else "Écris la définition correspondante du cours, puis applique-la à l'énoncé."
            ),
            "Fais cette étape seul(e) avant de continuer : tu as ce qu'il faut.",
        ]
    return _without_leaks(parts, exercise)


def hint_turns(
    exercise: ContentItem,
    lessons: list[ContentItem],
    attempt: str | None,
    learner_prompt: str,
) -> list[ChatTurn]:
    """Rules, then the statement and lesson extracts (fenced; never the solution), then the ask."""
    blocks = [f"Exercice : {describe(exercise)}\nÉnoncé : {exercise.body}"]
    blocks.extend(
        f"Leçon : {describe(lesson)}\nExtrait : {excerpt(lesson.body, exercise.body, 900)}"
        for lesson in lessons
    )
    context = f"{CONTEXT_OPEN}\n" + as_data("\n---\n".join(blocks)) + f"\n{CONTEXT_CLOSE}"
    return [
        ChatTurn("system", learner_prompt),
        ChatTurn("system", context),
        ChatTurn("user", as_data(redact(attempt)) if attempt else DEFAULT_REQUEST),
    ]


def exercise_hint(
    session: Session,
    runtime: AriaRuntime,
    principal: Principal,
    content_id: int,
    level: int,
    attempt: str | None,
) -> HintPublic:
    exercise = session.get(ContentItem, content_id)
    if exercise is None or exercise.kind is not ContentKind.EXERCISE:
        raise NotFound(_("Exercise not found."))
    if attempt and len(attempt) > runtime.settings.aria_max_message_chars:
        raise Unprocessable(
            _(
                "The attempt is %(length)s characters long: ARIA accepts at most %(limit)s.",
                length=len(attempt),
                limit=runtime.settings.aria_max_message_chars,
            ),
            field="attempt",
        )
    quotas.reserve(session, runtime, principal.user_id)
    lessons = related_lessons(session, exercise)
    fallback_text = offline_hint(exercise, lessons, level)
    rules = system_prompt(load_learner(session, principal), HINT_RULES, level=level)
    turns = hint_turns(exercise, lessons, attempt, rules)

    def fallback() -> Completion:
        usage = Usage(estimate_tokens(attempt or ""), estimate_tokens(fallback_text), True)
        return Completion(fallback_text, usage)

    allowed = costs.budget_allows(session, runtime.settings)
    result = runtime.complete(
        turns, fallback if allowed else costs.with_budget_notice(fallback), allow_model=allowed
    )
    record_usage(
        session,
        runtime,
        principal.user_id,
        UsageKind.HINT,
        result.provider,
        result.completion.usage,
    )
    text, provider = result.completion.text, result.provider
    if provider is ProviderName.OPENAI and gives_away(text, exercise.solution, exercise.body):
        # The model gave the solution away: the student gets the safe offline hint instead.
        text, provider = fallback_text, ProviderName.OFFLINE
    return HintPublic(
        exercise_id=exercise.id,
        exercise_title=exercise.title,
        level=level,
        hint=text,
        provider=provider,
        offline=provider is ProviderName.OFFLINE,
        citations=[Citation(**citation(item)) for item in [exercise, *lessons]],
        usage=usage_public(result.completion.usage),
    )
