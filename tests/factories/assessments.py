"""Marks."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from nexus.accounts.roles import Role
from nexus.assessments.models import Assessment
from nexus.content.vocabulary import Subject
from tests.factories import ModelFactory, new_id
from tests.factories.accounts import UserFactory


class AssessmentFactory(ModelFactory):
    """A mark out of 20 given yesterday, by no teacher unless told (``teacher_id=``)."""

    class Meta:
        model = Assessment

    student_id = new_id(UserFactory, role=Role.STUDENT)
    teacher_id = None
    subject = Subject.MATHEMATIQUES
    chapter = "Suites numériques"
    score = 12.0
    max_score = 20.0
    assessed_on = factory.LazyFunction(lambda: date.today() - timedelta(days=1))
    comment = ""
