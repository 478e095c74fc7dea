"""Content items, indexed like the API indexes them, and the API's payload for one."""

from __future__ import annotations

import itertools
from typing import Any

import factory

from nexus.content.analysis import index_columns
from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind, Level, Subject
from tests.factories import ModelFactory

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


class ContentItemFactory(ModelFactory):
    """A lesson, its search columns computed from its text as ``refresh_index`` does."""

    class Meta:
        model = ContentItem

    class Params:
        index = factory.LazyAttribute(
            lambda o: index_columns(o.title, o.chapter, o.summary or "", o.body)
        )

    slug = factory.Sequence(lambda n: f"element-de-test-{n}")
    kind = ContentKind.LESSON
    title = factory.Sequence(lambda n: f"Leçon de test {n}")
    subject = Subject.MATHEMATIQUES
    level = Level.PREMIERE
    chapter = "Chapitre de test"
    difficulty = 2
    summary = ""
    body = "Un texte de cours."
    search_terms = factory.LazyAttribute(lambda o: o.index["search_terms"])
    title_terms = factory.LazyAttribute(lambda o: o.index["title_terms"])
    chapter_terms = factory.LazyAttribute(lambda o: o.index["chapter_terms"])
