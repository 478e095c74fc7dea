"""ARIA's retrieval holds its targets on the evaluation set, on the suite's backend.

The same measure as ``make eval-aria`` (tests/evaluation/retrieval.py), run in the test's
rolled-back transaction on the demo content bank.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.config import Settings
from nexus.demo import content
from tests.evaluation.retrieval import evaluate, load_set


def test_retrieval_meets_its_targets_on_the_evaluation_set(
    session: Session, settings: Settings
) -> None:
    content.seed(session)
    session.commit()
    report = evaluate(session, settings.aria_context_items)
    assert report.missed() == [], "\n".join([*report.lines(), *report.failures])


def test_the_evaluation_set_is_as_large_as_the_issue_asks() -> None:
    evaluation = load_set()
    assert len(evaluation.topical) + len(evaluation.levels) >= 60
    assert len(evaluation.off_topic) >= 10
    assert len(evaluation.levels) >= 6
