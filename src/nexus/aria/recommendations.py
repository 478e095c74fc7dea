"""Recommendations from the student's marks: the dashboard's weakest chapters → the items the
one recommender gives (:mod:`nexus.assessments.recommendations`), the dashboard's among them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.tokens import Principal
from nexus.aria.access import resolve_student
from nexus.aria.progress import chapters_to_work_on
from nexus.aria.retrieval import citation
from nexus.aria.schemas.conversations import Citation
from nexus.aria.schemas.tutoring import Recommendation, RecommendationList
from nexus.assessments.recommendations import items_for_chapters
from nexus.people.models import StudentProfile

MAX_CHAPTERS = 3


def _mark(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def recommendations(
    session: Session, principal: Principal, student_id: int | None
) -> RecommendationList:
    student = resolve_student(session, principal, student_id)
    profile = session.get(StudentProfile, student)
    level = profile.level if profile else None
    items = []
    chosen = chapters_to_work_on(session, student, MAX_CHAPTERS)
    picked = items_for_chapters(session, [(s.subject, s.chapter) for s in chosen], level)
    for score, bank in zip(chosen, picked, strict=True):
        count = f"{score.assessments} évaluation{'s' if score.assessments > 1 else ''}"
        if score.weak:
            reason = (
                f"Moyenne de {_mark(score.average_on_20)}/20 sur {count} en « {score.chapter} » : "
                "à retravailler en priorité."
            )
        else:
            which = "Ton chapitre le moins réussi" if len(chosen) == 1 else "Un de tes chapitres"
            reason = (
                f"{which} ({_mark(score.average_on_20)}/20 sur {count}) : "
                "de quoi progresser encore."
            )
        items.append(
            Recommendation(
                subject=score.subject.value,
                chapter=score.chapter,
                average_on_20=score.average_on_20,
                assessments=score.assessments,
                reason=reason,
                items=[Citation(**citation(item)) for item in bank.items],
            )
        )
    return RecommendationList(student_id=student, items=items)
