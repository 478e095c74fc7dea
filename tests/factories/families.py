"""Session reports."""

from __future__ import annotations

import factory

from nexus.accounts.roles import Role
from nexus.families.models import SessionReport
from tests.factories import ModelFactory, new_id
from tests.factories.accounts import UserFactory
from tests.factories.scheduling import TutoringSessionFactory


class SessionReportFactory(ModelFactory):
    """A report on ``student_id`` for ``session=`` (its teacher writes it)."""

    class Meta:
        model = SessionReport

    session = factory.SubFactory(TutoringSessionFactory)
    student_id = new_id(UserFactory, role=Role.STUDENT)
    teacher_id = factory.LazyAttribute(lambda o: o.session.teacher_id)
    work_done = "Exercices sur les suites."
    homework = "Exercice 12 p. 87."
    mark = 14.5
