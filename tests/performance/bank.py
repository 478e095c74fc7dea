"""A generated content bank of any size, as varied as the demo bank it is drawn from.

Each generated item takes a demo item as its model (subject, level, chapter, kind) and mixes
sentences of items of the same chapter with sentences from anywhere in the bank, so the words'
frequencies look like a real bank's: "fonction" is everywhere, "dichotomie" in one chapter.
Deterministic for a seed; inserted in bulk with the application's own index function.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from importlib import resources
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from nexus.aria.retrieval import sentences
from nexus.content.analysis import index_columns
from nexus.content.models import ContentItem
from nexus.content.search import reindex
from nexus.content.vocabulary import ContentKind

BATCH = 1000
VARIANTS = (
    "entraînement",
    "approfondissement",
    "méthode",
    "synthèse",
    "application",
    "bac blanc",
    "révision",
    "pas à pas",
)


def demo_items() -> list[dict[str, Any]]:
    folder = resources.files("nexus.demo").joinpath("content_bank")
    items: list[dict[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            items.extend(json.loads(entry.read_text("utf-8")))
    return items


def generated_rows(count: int, seed: int = 2026) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    models = demo_items()
    chapter_sentences: dict[str, list[str]] = defaultdict(list)
    every_sentence: list[str] = []
    for item in models:
        parts = sentences(item["body"])
        chapter_sentences[item["chapter"]].extend(parts)
        every_sentence.extend(parts)
    rows = []
    for number in range(count):
        model = rng.choice(models)
        own = chapter_sentences[model["chapter"]]
        body = " ".join(
            rng.choice(own) if rng.random() < 0.7 else rng.choice(every_sentence)
            for _ in range(rng.randint(6, 14))
        )
        title = f"{model['title']} — {rng.choice(VARIANTS)} {number}"
        summary = rng.choice(own)[:500]
        rows.append(
            {
                "slug": f"generated-{seed}-{number}",
                "kind": ContentKind(rng.choice([k.value for k in ContentKind])),
                "title": title[:200],
                "subject": model["subject"],
                "level": model["level"],
                "chapter": model["chapter"],
                "difficulty": rng.randint(1, 5),
                "summary": summary,
                "body": body,
                **index_columns(title, model["chapter"], summary, body),
            }
        )
    return rows


def seed_generated(session: Session, count: int, seed: int = 2026) -> int:
    """Insert ``count`` generated items (in the caller's transaction); returns ``count``."""
    rows = generated_rows(count, seed)
    for start in range(0, len(rows), BATCH):
        session.execute(insert(ContentItem), rows[start : start + BATCH])
    # A bulk insert skips the flush that writes the postings (nexus.content.search.sync_terms).
    generated = select(ContentItem).where(ContentItem.slug.startswith(f"generated-{seed}-"))
    reindex(session, session.scalars(generated))
    return count
