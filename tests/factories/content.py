"""Content items for tests, indexed like the API indexes them."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from nexus.content.models import ContentItem
from nexus.content.search import refresh_index
from nexus.content.vocabulary import ContentKind, Level, Subject

_counter = itertools.count(1)


def content_payload(**overrides: Any) -> dict[str, Any]:
    """A valid ``POST /api/v1/content`` body (an exercise with its solution)."""
    n = next(_counter)
    payload: dict[str, Any] = {
        "kind": "exercise",
        "title": f"Dériver un produit de fonctions n°{n}",
        "subject": "mathematiques",
        "level": "premiere",
        "chapter": "Dérivation",
        "difficulty": 2,
        "summary": "Appliquer la formule de la dérivée d'un produit.",
        "body": "Soit f(x) = (3x² + 1)√x. Calculer f'(x) sur ]0 ; +∞[.",
        "solution": "f'(x) = 6x√x + (3x² + 1)/(2√x) = (15x² + 1)/(2√x).",
    }
    payload.update(overrides)
    return payload


def make_item(session: Session, **overrides: Any) -> ContentItem:
    """Store an item (flushed, indexed); commit is left to the caller."""
    n = next(_counter)
    values: dict[str, Any] = {
        "slug": f"element-de-test-{n}",
        "kind": ContentKind.LESSON,
        "title": f"Leçon de test {n}",
        "subject": Subject.MATHEMATIQUES,
        "level": Level.PREMIERE,
        "chapter": "Chapitre de test",
        "difficulty": 2,
        "summary": "",
        "body": "Un texte de cours.",
    }
    values.update(overrides)
    item = ContentItem(**values)
    refresh_index(item)
    session.add(item)
    session.flush()
    return item
