"""Measure ARIA's retrieval on the evaluation set (``aria_retrieval.yaml``) and hold its targets.

``python -m tests.evaluation.retrieval`` (``make eval-aria``) migrates a fresh database (a
SQLite file, or a scratch database on the PostgreSQL server ``DATABASE_URL`` points at), seeds
the demo content bank, asks every question through :func:`nexus.aria.retrieval.retrieve` as a
student of the question's level and specialties, prints the figures and exits non-zero when a
target is missed. ``tests/integration/aria/test_retrieval_evaluation.py`` runs the same
:func:`evaluate` inside the suite, on the suite's backend.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.aria.retrieval import Learner, retrieve
from nexus.config import Environment, Settings
from nexus.content.vocabulary import Level, Subject

EVALUATION_SET = Path(__file__).with_name("aria_retrieval.yaml")
TARGETS = {"top1": 0.90, "top3": 0.97, "level_correct": 0.90}
MAX_OFF_TOPIC_CITED = 0.0


@dataclass(frozen=True)
class Question:
    text: str
    level: Level
    specialties: tuple[Subject, ...]
    expected: frozenset[str]


@dataclass(frozen=True)
class EvaluationSet:
    topical: list[Question]
    off_topic: list[Question]
    levels: list[Question]


def _question(entry: dict[str, object]) -> Question:
    specialties = entry.get("specialties") or []
    expected = entry.get("expect") or []
    assert isinstance(specialties, list) and isinstance(expected, list)
    return Question(
        str(entry["q"]),
        Level(str(entry["level"])),
        tuple(Subject(s) for s in specialties),
        frozenset(str(slug) for slug in expected),
    )


def load_set(path: Path = EVALUATION_SET) -> EvaluationSet:
    raw = yaml.safe_load(path.read_text("utf-8"))
    sections = {
        name: [_question(e) for e in raw[name]] for name in ("topical", "off_topic", "levels")
    }
    return EvaluationSet(**sections)


@dataclass
class Report:
    top1: float
    top3: float
    mrr: float
    off_topic_cited: float
    level_correct: float
    latency_p50_ms: float
    latency_p95_ms: float
    failures: list[str] = field(default_factory=list)

    def missed(self) -> list[str]:
        """The targets this run misses, in words."""
        missed = [
            f"{name} {getattr(self, name):.1%} < {target:.0%}"
            for name, target in TARGETS.items()
            if getattr(self, name) < target
        ]
        if self.off_topic_cited > MAX_OFF_TOPIC_CITED:
            missed.append(f"off_topic_cited {self.off_topic_cited:.1%} > {MAX_OFF_TOPIC_CITED:.0%}")
        return missed

    def lines(self) -> list[str]:
        return [
            f"top-1             {self.top1:6.1%}   (target ≥ {TARGETS['top1']:.0%})",
            f"top-3             {self.top3:6.1%}   (target ≥ {TARGETS['top3']:.0%})",
            f"MRR               {self.mrr:6.3f}",
            f"off-topic cited   {self.off_topic_cited:6.1%}   (target {MAX_OFF_TOPIC_CITED:.0%})",
            f"level-correct     {self.level_correct:6.1%}   "
            f"(target ≥ {TARGETS['level_correct']:.0%})",
            f"latency p50/p95   {self.latency_p50_ms:.1f} / {self.latency_p95_ms:.1f} ms per query",
        ]


def _learner(question: Question) -> Learner:
    return Learner(0, Role.STUDENT, question.level, question.specialties)


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def evaluate(session: Session, limit: int, evaluation: EvaluationSet | None = None) -> Report:
    """Ask every question of the set through ARIA's retrieval; the bank must be seeded.

    ``limit`` is how many items ARIA puts in its context (``Settings.aria_context_items``).
    """
    evaluation = evaluation or load_set()
    latencies: list[float] = []
    failures: list[str] = []

    def ask(question: Question) -> list[str]:
        started = time.perf_counter()
        hits = retrieve(session, question.text, _learner(question), limit)
        latencies.append((time.perf_counter() - started) * 1000)
        return [hit.item.slug or "" for hit in hits]

    top1 = top3 = 0
    reciprocal = 0.0
    ranked_questions = evaluation.topical + evaluation.levels
    for question in ranked_questions:
        slugs = ask(question)
        ranks = [i for i, slug in enumerate(slugs, 1) if slug in question.expected]
        top1 += bool(ranks and ranks[0] == 1)
        top3 += bool(ranks and ranks[0] <= 3)
        reciprocal += 1 / ranks[0] if ranks else 0.0
        if not ranks or ranks[0] != 1:
            failures.append(f"{question.text!r} ({question.level}): got {slugs}")
    level_correct = 0
    for question in evaluation.levels:
        slugs = ask(question)
        level_correct += bool(slugs and slugs[0] in question.expected)
    cited = 0
    for question in evaluation.off_topic:
        slugs = ask(question)
        cited += bool(slugs)
        if slugs:
            failures.append(f"off-topic {question.text!r}: cited {slugs}")
    count = len(ranked_questions)
    return Report(
        top1=top1 / count,
        top3=top3 / count,
        mrr=reciprocal / count,
        off_topic_cited=cited / len(evaluation.off_topic),
        level_correct=level_correct / len(evaluation.levels),
        latency_p50_ms=statistics.median(latencies),
        latency_p95_ms=_percentile(latencies, 0.95),
        failures=failures,
    )


@contextmanager
def fresh_database() -> Iterator[str]:
    """A database nobody else uses: a scratch PostgreSQL database or a temporary SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres", "postgresql")):
        from tests.support import services

        with services.scratch_database(services.postgres_server_url(), "nexus_eval") as scratch:
            yield scratch
        return
    with tempfile.TemporaryDirectory(prefix="nexus-eval-") as folder:
        yield f"sqlite:///{folder}/eval.db"


def main() -> int:
    from nexus.db import build_engine
    from nexus.demo import content
    from nexus.migrations import runner

    with fresh_database() as url:
        settings = Settings(  # type: ignore[call-arg]
            NEXUS_ENV=Environment.TEST,
            database_url=url,
            secret_key="eval-" + uuid.uuid4().hex,
            log_level="WARNING",
        )
        runner.upgrade(settings)
        engine = build_engine(settings)
        try:
            with Session(engine) as session:
                content.seed(session)
                session.commit()
                report = evaluate(session, settings.aria_context_items)
        finally:
            engine.dispose()
    evaluation = load_set()
    print(
        f"ARIA retrieval on {engine.dialect.name}: {len(evaluation.topical)} topical, "
        f"{len(evaluation.levels)} two-level and {len(evaluation.off_topic)} off-topic questions"
    )
    for failure in report.failures:
        print(f"  miss: {failure}")
    print("\n".join(report.lines()))
    missed = report.missed()
    if missed:
        print("TARGETS MISSED: " + "; ".join(missed), file=sys.stderr)
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
