"""Recommendations from recent assessments: weak chapters → bank items to work on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nexus.accounts.tokens import Principal
from nexus.aria.access import resolve_student
from nexus.aria.progress import WEAK_BELOW, bank_items_for, chapter_scores
from nexus.aria.quotas import paris_today
from nexus.aria.retrieval import citation
from nexus.aria.schemas import Citation
from nexus.aria.schemas_tutoring import Recommendation, RecommendationList
from nexus.content.vocabulary import ContentKind
from nexus.people.models import StudentProfile

RECENT_DAYS = 120
MAX_CHAPTERS = 3
ALL_KINDS = (ContentKind.LESSON, ContentKind.EXERCISE, ContentKind.REVISION_SHEET)


def _mark(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def recommendations(
    session: Session, principal: Principal, student_id: int | None
) -> RecommendationList:
    student = resolve_student(session, principal, student_id)
    profile = session.get(StudentProfile, student)
    level = profile.level if profile else None
    scores = chapter_scores(session, student, since=paris_today() - timedelta(days=RECENT_DAYS))
    weak = [s for s in scores if s.average_on_20 < WEAK_BELOW] or scores[:1]
    items = []
    for score in weak[:MAX_CHAPTERS]:
        count = f"{score.assessments} évaluation{'s' if score.assessments > 1 else ''}"
        if score.average_on_20 < WEAK_BELOW:
            reason = (
                f"Moyenne de {_mark(score.average_on_20)}/20 sur {count} en « {score.chapter} » : "
                "à retravailler en priorité."
            )
        else:
            reason = (
                f"Ton chapitre le moins réussi ({_mark(score.average_on_20)}/20 sur {count}) : "
                "de quoi progresser encore."
            )
        bank = bank_items_for(session, score.subject, score.chapter, level, 3, ALL_KINDS)
        items.append(
            Recommendation(
                subject=score.subject.value,
                chapter=score.chapter,
                average_on_20=score.average_on_20,
                assessments=score.assessments,
                reason=reason,
                items=[Citation(**citation(item)) for item in bank],
            )
        )
    return RecommendationList(student_id=student, items=items)
