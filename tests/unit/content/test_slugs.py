from __future__ import annotations

from nexus.content.slugs import SLUG_MAX_LENGTH, slugify, unique_slug


def test_slugify_strips_accents_ligatures_and_punctuation() -> None:
    assert slugify("La dérivée d'un produit") == "la-derivee-d-un-produit"
    assert slugify("  Œuvres & cœur : 2e loi de Newton !") == "oeuvres-coeur-2e-loi-de-newton"
    assert slugify("¿?!") == "item"


def test_slugify_truncates_without_a_trailing_dash() -> None:
    slug = slugify("mot " * 100)
    assert len(slug) <= SLUG_MAX_LENGTH
    assert not slug.endswith("-")


def test_unique_slug_appends_the_first_free_number() -> None:
    assert unique_slug("suites", set()) == "suites"
    assert unique_slug("suites", {"suites"}) == "suites-2"
    assert unique_slug("suites", {"suites", "suites-2", "suites-3"}) == "suites-4"
    long = "a" * SLUG_MAX_LENGTH
    assert unique_slug(long, {long}) == "a" * (SLUG_MAX_LENGTH - 2) + "-2"
