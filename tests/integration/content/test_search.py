"""French full-text search: forms, accents, stop words, ranking and filters.

The suite runs on SQLite and on PostgreSQL; the exact hit lists and scores asserted here are
the same on both, which is what proves the search backend-independent.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.content.models import ContentItem
from nexus.content.search import search_content
from nexus.content.vocabulary import ContentKind, Level, Subject
from tests.factories.content import ContentItemFactory
from tests.support.api import Api

BASE = "/api/v1/content"
DERIVATION = ["derivee-produit", "fiche-deriver", "etude-fonction"]


def _slugs(session: Session, query: str, **filters: Any) -> list[str]:
    return [hit.item.slug for hit in search_content(session, query, limit=10, **filters)]


@pytest.mark.parametrize(
    "query",
    ["dérivées", "dérivée", "dériver", "dérivons", "dérivent", "derivee", "DERIVEES", "dérivé"],
)
def test_every_form_of_deriver_finds_the_same_items(
    session: Session, corpus: dict[str, ContentItem], query: str
) -> None:
    assert _slugs(session, query) == DERIVATION


def test_exact_hits_and_scores(session: Session, corpus: dict[str, ContentItem]) -> None:
    # 6 items, "deriv" in 3 → idf weight 7; title (3) + chapter (2) + anywhere (1).
    hits = search_content(session, "dérivées", limit=10)
    assert [(h.item.slug, h.score) for h in hits] == [
        ("derivee-produit", 42.0),  # title + chapter + text; a lesson wins ties
        ("fiche-deriver", 42.0),  # same score, a revision sheet
        ("etude-fonction", 7.0),  # body only
    ]


def test_hits_say_what_share_of_the_query_they_match(
    session: Session, corpus: dict[str, ContentItem]
) -> None:
    # "dérivées" weighs 7 and "thermodynamique", found nowhere, 10·ln(7/0.5) = 26: the
    # best attainable score is (7 + 26) × 6.
    hits = search_content(session, "dérivées thermodynamique", limit=10)
    assert [(h.item.slug, h.score, h.body_only) for h in hits] == [
        ("derivee-produit", 42.0, False),
        ("fiche-deriver", 42.0, False),
        ("etude-fonction", 7.0, True),
    ]
    assert hits[0].relevance == pytest.approx(42 / 198)
    assert hits[2].relevance == pytest.approx(7 / 198)
    assert [h.coverage for h in hits] == pytest.approx([7 / 33] * 3)


def test_listes_chainees_ranks_the_linked_list_lesson_first(
    session: Session, corpus: dict[str, ContentItem]
) -> None:
    assert _slugs(session, "listes chaînées") == ["listes-chainees", "listes-tableaux"]
    assert _slugs(session, "les listes chainees") == ["listes-chainees", "listes-tableaux"]
    assert _slugs(session, "Python") == ["listes-tableaux"]


def test_plurals_and_singulars_match(session: Session, corpus: dict[str, ContentItem]) -> None:
    assert _slugs(session, "suite géométrique") == ["suites-geometriques"]
    assert _slugs(session, "tableau") == ["listes-tableaux", "etude-fonction"]
    assert _slugs(session, "maillons") == ["listes-chainees"]


def test_stop_words_alone_match_nothing_and_are_ignored_otherwise(
    session: Session, corpus: dict[str, ContentItem]
) -> None:
    assert not search_content(session, "les des et ou de la")
    assert not search_content(session, "")
    assert not search_content(session, "thermodynamique")  # a word found nowhere
    assert _slugs(session, "la dérivée d'un produit")[0] == "derivee-produit"


def test_a_title_match_beats_a_body_match(session: Session) -> None:
    body_only = ContentItemFactory(slug="corps", title="Cours du jour", body="Les intégrales.")
    in_title = ContentItemFactory(slug="titre", title="Intégrales", body="Aire sous la courbe.")
    session.commit()
    assert body_only.id < in_title.id and body_only.difficulty == in_title.difficulty
    hits = search_content(session, "intégrale")
    assert [h.item.slug for h in hits] == ["titre", "corps"]
    assert hits[0].score > hits[1].score


def test_rare_words_outweigh_common_ones(session: Session) -> None:
    for n in range(4):
        ContentItemFactory(slug=f"fonction-{n}", title=f"Fonction numéro {n}")
    ContentItemFactory(slug="logarithme", title="Logarithme", body="Une fonction réciproque.")
    session.commit()
    assert _slugs(session, "fonction logarithme")[0] == "logarithme"


def test_filters_combine_with_the_query(session: Session, corpus: dict[str, ContentItem]) -> None:
    assert _slugs(session, "dérivée", level=Level.TERMINALE) == ["fiche-deriver"]
    assert _slugs(session, "dérivée", kinds=[ContentKind.EXERCISE]) == ["etude-fonction"]
    assert _slugs(session, "listes", subject=Subject.MATHEMATIQUES) == []
    assert len(search_content(session, "dérivée", limit=2)) == 2


def test_the_list_endpoint_ranks_and_filters_like_search_content(
    api: Api, corpus: dict[str, ContentItem]
) -> None:
    parent = api.actor(Role.PARENT)

    def found(**params: Any) -> list[tuple[str, float | None]]:
        response = api.get(BASE, parent, query_string=params)
        assert response.status_code == 200, response.get_json()
        return [(i["slug"], i["score"]) for i in response.get_json()["items"]]

    assert found(q="dérivées") == [
        ("derivee-produit", 42.0),
        ("fiche-deriver", 42.0),
        ("etude-fonction", 7.0),
    ]
    assert [s for s, _ in found(q="derivee", difficulty_min=3)] == ["derivee-produit"]
    assert [s for s, _ in found(q="dériver", kind="exercise")] == ["etude-fonction"]
    assert [s for s, _ in found(q="dérivée", subject="mathematiques", level="terminale")] == [
        "fiche-deriver"
    ]
    assert [s for s, _ in found(q="dérivée", sort="title")] == [
        "derivee-produit",
        "etude-fonction",  # "Étudier…" sorts with the E, the French way (nexus.language.collation)
        "fiche-deriver",
    ]
    for sort in ("relevance", "title"):
        empty = api.get(BASE, parent, query_string={"q": "les des", "sort": sort}).get_json()
        assert (empty["items"], empty["total"]) == ([], 0)
