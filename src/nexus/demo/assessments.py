"""Demo marks for the demo children (Lucas, Emma, Inès), with French comments.

Dates are relative to today so that dashboards, trends and reports look alive; idempotent:
a child who already has marks is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.assessments.models import Assessment
from nexus.clock import paris_today
from nexus.content.vocabulary import Subject

# (student e-mail, teacher e-mail, subject, chapter, [(days ago, score /20, comment)])
PLAN: tuple[tuple[str, str, Subject, str, tuple[tuple[int, float, str], ...]], ...] = (
    (
        "lucas@nexus-reussite.fr",
        "prof.maths@nexus-reussite.fr",
        Subject.MATHEMATIQUES,
        "Suites numériques",
        (
            (84, 15, "Raisonnement par récurrence bien mené."),
            (63, 14.5, ""),
            (42, 16, "Très bonne copie, rédaction soignée."),
        ),
    ),
    (
        "lucas@nexus-reussite.fr",
        "prof.maths@nexus-reussite.fr",
        Subject.MATHEMATIQUES,
        "Probabilités conditionnelles",
        (
            (35, 11, ""),
            (21, 9, "Arbres pondérés mal construits : reprendre la méthode."),
            (7, 8.5, "Formule des probabilités totales à revoir."),
        ),
    ),
    (
        "lucas@nexus-reussite.fr",
        "prof.nsi@nexus-reussite.fr",
        Subject.NSI,
        "Récursivité",
        ((70, 13, ""), (28, 15.5, "Bonne compréhension de la pile d'appels.")),
    ),
    (
        "emma@nexus-reussite.fr",
        "prof.physique@nexus-reussite.fr",
        Subject.PHYSIQUE_CHIMIE,
        "Mécanique : lois de Newton",
        (
            (77, 12, ""),
            (49, 13.5, "Schémas clairs, unités à vérifier."),
            (14, 15, "Nets progrès, continuez ainsi !"),
        ),
    ),
    (
        "emma@nexus-reussite.fr",
        "prof.maths@nexus-reussite.fr",
        Subject.MATHEMATIQUES,
        "Fonctions affines",
        ((56, 17, "Excellent travail."), (20, 16.5, "")),
    ),
    (
        "ines@nexus-reussite.fr",
        "prof.nsi@nexus-reussite.fr",
        Subject.NSI,
        "Bases de données et SQL",
        (
            (60, 10, "Jointures à retravailler."),
            (30, 12.5, ""),
            (9, 14, "Requêtes correctes et bien écrites."),
        ),
    ),
)


def seed(session: Session) -> None:
    users = {
        u.email: u
        for u in session.scalars(
            select(User).where(User.email.in_({e for p in PLAN for e in p[:2]}))
        )
    }
    today = paris_today()
    seeded: dict[str, bool] = {}
    for student_email, teacher_email, subject, chapter, marks in PLAN:
        student, teacher = users.get(student_email), users.get(teacher_email)
        if student is None or teacher is None:
            continue
        if student_email not in seeded:
            seeded[student_email] = not session.scalar(
                select(exists().where(Assessment.student_id == student.id))
            )
        if not seeded[student_email]:
            continue
        for days_ago, score, comment in marks:
            session.add(
                Assessment(
                    student_id=student.id,
                    teacher_id=teacher.id,
                    subject=subject,
                    chapter=chapter,
                    score=score,
                    max_score=20.0,
                    assessed_on=today - timedelta(days=days_ago),
                    comment=comment,
                )
            )
