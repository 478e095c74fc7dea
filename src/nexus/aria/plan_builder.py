"""Deterministic week-by-week study plans (no model needed).

Weakest chapters come first, one or two per week, each with a lesson to reread and an exercise
to do; when weeks outnumber chapters a second pass consolidates them with harder exercises.
With an exam date, the last week is a general revision week. Booked sessions land in their
week, with a task to prepare them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from nexus.content.labels import KINDS
from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind, Subject
from nexus.language import formats

DEFAULT_WEEKS = 8
MAX_WEEKS = 26


@dataclass(frozen=True)
class Focus:
    subject: Subject
    chapter: str
    average_on_20: float | None
    items: tuple[ContentItem, ...]


@dataclass(frozen=True)
class BookedSession:
    id: int
    title: str
    subject: Subject
    starts_on: date
    starts_at: str  # ISO 8601, UTC


def week_count(today: date, exam_date: date | None, requested: int | None) -> int:
    if requested is not None:
        return requested
    if exam_date is None or exam_date <= today:
        return DEFAULT_WEEKS
    return max(1, min(MAX_WEEKS, math.ceil((exam_date - today).days / 7)))


def _mark(focus: Focus) -> str:
    if focus.average_on_20 is None:
        return ""
    return f" ({focus.average_on_20:.1f}/20)".replace(".", ",")


def _tasks(focus: Focus, second_pass: bool) -> list[str]:
    tasks = []
    lesson = next((i for i in focus.items if i.kind is not ContentKind.EXERCISE), None)
    exercises = [i for i in focus.items if i.kind is ContentKind.EXERCISE]
    if lesson is not None and not second_pass:
        tasks.append(f"Relire « {lesson.title} » (#{lesson.id}) et en faire une fiche.")
    if exercises:
        exercise = exercises[-1] if second_pass else exercises[0]
        verb = "Refaire sans le cours" if second_pass else "Faire"
        tasks.append(f"{verb} l'exercice « {exercise.title} » (#{exercise.id}).")
    if not tasks:
        tasks.append(f"Revoir le chapitre « {focus.chapter} » et noter les points difficiles.")
    return tasks


def _item_ref(item: ContentItem) -> dict[str, Any]:
    return {"id": item.id, "title": item.title, "kind": item.kind.value}


def build_weeks(
    today: date,
    weeks: int,
    focuses: list[Focus],
    sessions: list[BookedSession],
    exam_date: date | None,
) -> list[dict[str, Any]]:
    revision_week = exam_date is not None and weeks >= 2
    study_weeks = weeks - 1 if revision_week else weeks
    per_week = max(1, math.ceil(len(focuses) / study_weeks)) if focuses else 0
    plan: list[dict[str, Any]] = []
    for index in range(weeks):
        starts = today + timedelta(days=7 * index)
        ends = starts + timedelta(days=6)
        if index < study_weeks:
            chosen, second = _pick(focuses, index, per_week)
            theme = ("Consolidation : " if second else "Priorité : ") + ", ".join(
                f.chapter for f in chosen
            )
            tasks = [task for focus in chosen for task in _tasks(focus, second)]
        else:
            chosen = focuses[:3]
            theme = "Révisions générales avant l'examen"
            tasks = [
                "Faire un sujet d'examen en temps limité.",
                "Relire toutes tes fiches, en commençant par les chapitres prioritaires.",
            ]
        if not chosen and index < study_weeks:
            theme = "Travail régulier"
            tasks = ["Revoir le cours de la semaine et faire un exercice par matière."]
        in_week = [s for s in sessions if starts <= s.starts_on <= ends]
        tasks.extend(
            f"Préparer tes questions pour la séance « {s.title} » du "
            f"{formats.long_date(s.starts_on, 'fr')}."
            for s in in_week
        )
        plan.append(
            {
                "week": index + 1,
                "starts_on": starts.isoformat(),
                "ends_on": ends.isoformat(),
                "theme": theme,
                "focus": [
                    {
                        "subject": f.subject.value,
                        "chapter": f.chapter,
                        "average_on_20": f.average_on_20,
                    }
                    for f in chosen
                ],
                "items": [_item_ref(i) for f in chosen for i in f.items],
                "sessions": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "subject": s.subject.value,
                        "starts_at": s.starts_at,
                    }
                    for s in in_week
                ],
                "tasks": tasks,
            }
        )
    return plan


def _pick(focuses: list[Focus], week: int, per_week: int) -> tuple[list[Focus], bool]:
    """The chapters of ``week`` (cycling through them again after the first pass)."""
    if not focuses:
        return [], False
    start = week * per_week
    second_pass = start >= len(focuses)
    chosen = [focuses[(start + k) % len(focuses)] for k in range(min(per_week, len(focuses)))]
    return chosen, second_pass


def offline_summary(weeks: int, exam_date: date | None, focuses: list[Focus]) -> str:
    horizon = (
        f"jusqu'à ton examen du {formats.long_date(exam_date, 'fr')}"
        if exam_date
        else "pour les semaines à venir"
    )
    lines = [f"Planning de {weeks} semaine{'s' if weeks > 1 else ''} {horizon}."]
    chapters = ", ".join(f"« {f.chapter} »{_mark(f)}" for f in focuses[:4])
    if any(f.average_on_20 is not None for f in focuses):
        lines.append(f"Priorités : {chapters}.")
    elif focuses:
        lines.append(f"Pas encore d'évaluation : le planning suit tes spécialités ({chapters}).")
    else:
        lines.append("Pas encore d'évaluation ni de spécialité : un planning de travail régulier.")
    if focuses:
        lines.append(
            "Chaque semaine : une leçon à relire, un exercice à faire et tes séances Nexus "
            "Réussite."
        )
    if exam_date and weeks >= 2:
        lines.append("La dernière semaine est consacrée aux révisions générales.")
    return " ".join(lines)


def outline(weeks: list[dict[str, Any]]) -> str:
    """The plan as plain text for the model to phrase (chapters, items and dates only)."""
    rows = []
    for week in weeks:
        items = ", ".join(
            f"{KINDS[ContentKind(i['kind'])]} « {i['title']} »" for i in week["items"]
        )
        rows.append(f"Semaine {week['week']} ({week['starts_on']}) : {week['theme']}. {items}")
    return "\n".join(rows)
