"""Demo profiles: the three students, the Moreau family's links, the teachers' profiles."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from nexus.accounts import services as accounts
from nexus.accounts.models import User
from nexus.content.vocabulary import Level
from nexus.people import access
from nexus.people.models import ParentLink, StudentProfile, TeacherProfile
from nexus.people.services import unused_code


def _bac_year(today: date) -> int:
    return today.year if today.month < 7 else today.year + 1


STUDENTS = {
    "lucas@nexus-reussite.fr": {
        "level": Level.TERMINALE,
        "specialties": ["nsi", "mathematiques"],
        "goals": "Obtenir une mention très bien et intégrer une classe prépa MPSI.",
        "learning_preferences": {"format": "online", "pace": "intensive", "notes": "Le soir"},
        "birth_date": date(2008, 4, 12),
    },
    "emma@nexus-reussite.fr": {
        "level": Level.PREMIERE,
        "specialties": ["mathematiques", "physique_chimie"],
        "goals": "Consolider les bases en mathématiques avant la Terminale.",
        "learning_preferences": {"format": "hybrid", "pace": "standard"},
        "birth_date": date(2009, 9, 30),
    },
    "ines@nexus-reussite.fr": {
        "level": Level.TERMINALE,
        "specialties": ["physique_chimie", "svt"],
        "goals": "Réussir le bac et préparer le concours PASS.",
        "learning_preferences": {"format": "in_person", "pace": "standard"},
        "birth_date": date(2008, 1, 22),
    },
}
TEACHERS = {
    "prof.nsi@nexus-reussite.fr": {
        "subjects": ["nsi"],
        "levels": ["premiere", "terminale"],
        "bio": "Ingénieur devenu professeur de NSI : algorithmique, bases de données, projets.",
        "weekly_availability": [
            {"weekday": 0, "start": "17:00", "end": "20:00"},
            {"weekday": 2, "start": "14:00", "end": "19:00"},
        ],
    },
    "prof.maths@nexus-reussite.fr": {
        "subjects": ["mathematiques"],
        "levels": ["seconde", "premiere", "terminale"],
        "bio": "Agrégée de mathématiques, douze ans d'expérience en lycée.",
        "weekly_availability": [
            {"weekday": 1, "start": "17:00", "end": "20:00"},
            {"weekday": 3, "start": "17:00", "end": "20:00"},
            {"weekday": 5, "start": "09:00", "end": "12:00"},
        ],
    },
    "prof.physique@nexus-reussite.fr": {
        "subjects": ["physique_chimie"],
        "levels": ["seconde", "premiere", "terminale"],
        "bio": "Docteur en chimie, passionné par les travaux pratiques.",
        "weekly_availability": [{"weekday": 2, "start": "13:00", "end": "18:00"}],
    },
}
CHILDREN_OF = {"parent@nexus-reussite.fr": ("lucas@nexus-reussite.fr", "emma@nexus-reussite.fr")}


def account(session: Session, email: str) -> User:
    user = accounts.find_by_email(session, email)
    if user is None:
        raise RuntimeError(f"demo account {email} is missing: seed the accounts first")
    return user


def seed(session: Session) -> None:
    exam = date(_bac_year(date.today()), 6, 15)
    for email, values in STUDENTS.items():
        student = account(session, email)
        if session.get(StudentProfile, student.id) is None:
            session.add(
                StudentProfile(
                    user_id=student.id,
                    exam_date=exam,
                    invitation_code=unused_code(session),
                    **values,
                )
            )
    for email, profile in TEACHERS.items():
        teacher = account(session, email)
        if session.get(TeacherProfile, teacher.id) is None:
            session.add(TeacherProfile(user_id=teacher.id, **profile))
    for parent_email, children in CHILDREN_OF.items():
        parent = account(session, parent_email)
        for child_email in children:
            child = account(session, child_email)
            if not access.is_parent_of(session, parent.id, child.id):
                session.add(ParentLink(parent_id=parent.id, student_id=child.id))
    session.flush()
