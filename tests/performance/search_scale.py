"""Content search and ARIA retrieval on a bank of 10,000 generated items: p95 within budget.

``python -m tests.performance.search_scale`` (``make perf-search``)
migrates a fresh database (a scratch database on the PostgreSQL server ``DATABASE_URL`` points
at, or a temporary SQLite file), seeds the demo bank plus ``PERF_SEARCH_ITEMS`` generated items
(:mod:`tests.performance.bank`), then times, in process, every question of ARIA's evaluation set
through the content list's search (``GET /content?q=…``'s service, first page by relevance) and
through ARIA's retrieval. Each is timed after one warm-up pass; the run fails when a p95 exceeds
``SEARCH_P95_BUDGET_MS`` (the ARIA issue's target, on PostgreSQL).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.aria.retrieval import retrieve
from nexus.config import Environment, Settings
from nexus.content.listing import list_items
from nexus.content.models import ContentItem
from nexus.content.schemas.listing import ContentListQuery
from tests.evaluation.retrieval import Question, _learner, _percentile, fresh_database, load_set
from tests.performance.bank import seed_generated
from tests.performance.budgets import SEARCH_P95_BUDGET_MS

ITEMS = int(os.environ.get("PERF_SEARCH_ITEMS", "10000"))


def _timed(questions: Sequence[Question], ask: Callable[[Question], object]) -> list[float]:
    for question in questions:  # warm-up: caches, plans, the stemmer's memo
        ask(question)
    latencies = []
    for question in questions:
        started = time.perf_counter()
        ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _floor(session: Session) -> float:
    """The median time of the cheapest useful request to the same database: one item by key."""
    ids = list(session.scalars(select(ContentItem.id).order_by(ContentItem.id).limit(50)))
    latencies = []
    for item_id in ids * 4:
        session.expunge_all()
        started = time.perf_counter()
        session.get(ContentItem, item_id)
        latencies.append((time.perf_counter() - started) * 1000)
    return statistics.median(latencies[len(ids) :])


def measure(session: Session, context_items: int) -> dict[str, list[float]]:
    evaluation = load_set()
    questions = evaluation.topical + evaluation.levels + evaluation.off_topic
    return {
        "content search": _timed(
            questions, lambda q: list_items(session, ContentListQuery(q=q.text, page_size=20))
        ),
        "ARIA retrieval": _timed(
            questions, lambda q: retrieve(session, q.text, _learner(q), context_items)
        ),
    }


def main() -> int:
    from nexus.db import build_engine
    from nexus.demo import content
    from nexus.migrations import runner

    with fresh_database() as url:
        settings = Settings(
            NEXUS_ENV=Environment.TEST,
            database_url=url,
            secret_key="perf-" + uuid.uuid4().hex,
            log_level="WARNING",
        )
        runner.upgrade(settings)
        engine = build_engine(settings)
        try:
            with Session(engine) as session:
                content.seed(session)
                seed_generated(session, ITEMS)
                session.commit()
                if engine.dialect.name == "postgresql":
                    # What autovacuum does after a bulk load (PostgreSQL ≥ 13 vacuums after
                    # inserts): statistics, and the visibility map index-only scans need.
                    with engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT"
                    ) as maintenance:
                        maintenance.exec_driver_sql("VACUUM ANALYZE content_items")
                        maintenance.exec_driver_sql("VACUUM ANALYZE content_terms")
                total = session.scalar(select(func.count()).select_from(ContentItem))
                floor = _floor(session)
                figures = measure(session, settings.aria_context_items)
        finally:
            engine.dispose()
    print(f"search on {engine.dialect.name}, {total} items in the bank")
    print(
        f"floor: one primary-key read of an item through the ORM p50 {floor:.2f} ms "
        "(the machine's speed today: compare runs by the ratios)"
    )
    failed = []
    for name, latencies in figures.items():
        p95 = _percentile(latencies, 0.95)
        print(
            f"{name:16s} p50 {statistics.median(latencies):6.1f} ms   p95 {p95:6.1f} ms   "
            f"max {max(latencies):6.1f} ms   p95/floor {p95 / floor:5.0f}×   "
            f"({len(latencies)} queries; budget p95 ≤ "
            f"{SEARCH_P95_BUDGET_MS:.0f} ms)"
        )
        if p95 > SEARCH_P95_BUDGET_MS:
            failed.append(f"{name} p95 {p95:.1f} ms > {SEARCH_P95_BUDGET_MS:.0f} ms")
    if failed:
        print("BUDGET MISSED: " + "; ".join(failed), file=sys.stderr)
        return 1
    print("within budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
