"""A flagged message: the flag recorded and the adults around the student notified.

Parents and teachers (those the student booked or who assessed them) are notified from medium
severity; administrators too when it is high. A disclosure of abuse that names the family or
home (``Verdict.family_involved``) is not sent to the parents: a parent may be the one the
student speaks of. The teachers and the administrators are told, whatever the severity.
The notification names the student and the kind of concern, never the student's words: they
stay in the conversation, which the notified adults may open (``nexus.aria.safety.oversight``),
each reading written in the audit log.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.aria.safety.answers import notifies_adults
from nexus.aria.safety.models import SafetyFlag
from nexus.aria.safety.verdicts import Category, Severity, Verdict
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import notify
from nexus.people.access import parents_of, teachers_of

CONCERNS = {
    Category.SELF_HARM: "un signe de détresse",
    Category.VIOLENCE: "des violences",
    Category.SEXUAL: "un contenu à caractère sexuel",
    Category.HARASSMENT: "du harcèlement",
    Category.PERSONAL_DATA: "des données personnelles",
}


FAMILY_NOTE = (
    " L'élève met en cause sa famille ou son domicile : ses parents n'ont pas été prévenus. "
    "Pour un mineur en danger, appelez le 119 (Allô Enfance en danger) ou transmettez une "
    "information préoccupante à la cellule départementale (CRIP)."
)


def admins(session: Session) -> list[int]:
    return list(
        session.scalars(select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True)))
    )


def recipients(
    session: Session, student_id: int, severity: Severity, family_involved: bool = False
) -> list[int]:
    """Who is told of a flag of this severity (parents, teachers, then administrators)."""
    if not notifies_adults(severity):
        return []
    people = [] if family_involved else list(parents_of(session, student_id))
    people.extend(teachers_of(session, student_id))
    if severity is Severity.HIGH or family_involved:
        people.extend(admins(session))
    return list(dict.fromkeys(people))


def raise_flag(
    session: Session, student: User, conversation_id: int, message_id: int, verdict: Verdict
) -> SafetyFlag:
    worst = verdict.worst
    flag = SafetyFlag(
        student_id=student.id,
        conversation_id=conversation_id,
        message_id=message_id,
        category=worst.category,
        severity=worst.severity,
        categories=verdict.categories,
        screener=verdict.screener,
        family_involved=verdict.family_involved,
    )
    session.add(flag)
    session.flush()
    name = f"{student.first_name} {student.last_name}".strip()
    urgent = "Urgent — " if worst.severity is Severity.HIGH else ""
    notify(
        session,
        recipients(session, student.id, worst.severity, verdict.family_involved),
        NotificationKind.ARIA_SAFETY,
        f"{urgent}Message préoccupant de {name} à ARIA",
        f"Un message de {name} à ARIA laisse penser à {CONCERNS[worst.category]}. À ce "
        "message, ARIA n'a pas répondu sur les cours : elle a conseillé à l'élève d'en parler "
        "à un adulte de confiance et, si besoin, donné les numéros d'aide. Vous pouvez lire "
        "la conversation dans Nexus Réussite ; parlez-en avec l'élève dès que possible."
        + (FAMILY_NOTE if verdict.family_involved else ""),
        {
            "student_id": student.id,
            "conversation_id": conversation_id,
            "flag_id": flag.id,
            "category": worst.category.value,
            "severity": worst.severity.value,
        },
    )
    return flag
