"""The student's dashboard on edge paths: a vanished student, recommendations without a level."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.assessments.progress import ChapterStats, load_marks
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.dashboards import student as student_dashboard
from nexus.errors import NotFound
from tests.factories.content import ContentItemFactory


def test_dashboard_of_a_vanished_student_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        student_dashboard.student_dashboard(session, Principal(987_654, Role.STUDENT, "sid"))


def test_recommendations_without_a_known_level(session: Session) -> None:
    weak = ChapterStats("nsi", "Graphes", 6.0, 2)
    item = ContentItemFactory(
        title="Parcours en largeur",
        subject=Subject.NSI,
        chapter="graphes",
        kind=ContentKind.EXERCISE,
        level=Level.TERMINALE,
    )
    found = student_dashboard.recommend(session, None, [weak])
    assert [r.content_id for r in found] == [item.id]
    assert found[0].reason == "Chapitre à retravailler : Graphes (6/20)"
    assert load_marks(session, []) == []
