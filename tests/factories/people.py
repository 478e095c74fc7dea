"""Student and teacher profiles, parent links."""

from __future__ import annotations

from datetime import date

import factory

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.content.vocabulary import Level
from nexus.people.models import ParentLink, StudentProfile, TeacherProfile
from nexus.people.services import new_invitation_code
from tests.factories import ModelFactory, new_id
from tests.factories.accounts import UserFactory


class StudentProfileFactory(ModelFactory):
    class Meta:
        model = StudentProfile

    user_id = new_id(UserFactory, role=Role.STUDENT)
    level = Level.TERMINALE
    specialties = factory.LazyFunction(lambda: ["nsi", "mathematiques"])
    goals = ""
    learning_preferences = factory.LazyFunction(dict)
    invitation_code = factory.LazyFunction(new_invitation_code)


class TeacherProfileFactory(ModelFactory):
    class Meta:
        model = TeacherProfile

    user_id = new_id(UserFactory, role=Role.TEACHER)
    subjects = factory.LazyFunction(lambda: ["mathematiques"])
    levels = factory.LazyFunction(lambda: ["terminale"])
    bio = ""
    weekly_availability = factory.LazyFunction(list)


class ParentLinkFactory(ModelFactory):
    class Meta:
        model = ParentLink

    parent_id = new_id(UserFactory, role=Role.PARENT)
    student_id = new_id(UserFactory, role=Role.STUDENT)


def new_student(
    first_name: str | None = None, level: Level = Level.TERMINALE, birth_date: date | None = None
) -> User:
    """A student account with its profile (the two rows every student has)."""
    names = {"first_name": first_name} if first_name else {}
    account: User = UserFactory(role=Role.STUDENT, **names)
    StudentProfileFactory(user_id=account.id, level=level, birth_date=birth_date)
    return account
