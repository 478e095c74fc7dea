"""French text analysis behind the content search (no database)."""

from __future__ import annotations

import pytest

from nexus.content.analysis import (
    index_columns,
    query_groups,
    query_word_forms,
    stems,
    word_forms,
)
from nexus.content.search import idf_weight


def _matches(query: str, text: str) -> bool:
    """Whether every meaningful query word has a form among the text's indexed forms."""
    indexed = set(index_columns(text, "", "", "")["title_terms"].split())
    return all(group & indexed for group in query_groups(query))


def test_stems_are_lower_case_accent_free_and_skip_stop_words() -> None:
    assert stems("Les dérivées d'une fonction") == ["deriv", "fonction"]
    assert stems("Qu’est-ce que la récursivité ?") == ["recurs"]


def test_plural_and_singular_share_a_stem() -> None:
    for singular, plural in [
        ("dérivée", "dérivées"),
        ("liste", "listes"),
        ("chaînée", "chaînées"),
        ("intégrale", "intégrales"),
        ("tableau", "tableaux"),
        ("graphe", "graphes"),
    ]:
        assert stems(singular) == stems(plural), (singular, plural)


def test_verb_forms_and_nouns_of_one_family_share_a_stem() -> None:
    assert set(stems("dériver dérivée dérivé dérivez dérivation")) == {"deriv"}


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("dérivées", "La dérivée d'un produit"),
        ("derivee", "La dérivée d'un produit"),
        ("DÉRIVÉE", "dérivée"),
        ("dériver", "Dérivée"),
        ("dérivons", "Dérivée d'un quotient"),
        ("dérivent", "dérivée"),
        ("listes chainees", "Listes chaînées"),
        ("recursivite", "La récursivité"),
        ("probabilites conditionnelles", "Probabilités conditionnelles"),
        ("continuite", "Continuité et théorème des valeurs intermédiaires"),
        ("theoreme", "théorème"),
        ("cœur", "coeur"),
        ("energie mecanique", "Énergie mécanique"),
    ],
)
def test_queries_find_their_text_whatever_the_accents_and_forms(query: str, text: str) -> None:
    assert _matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [("dérivée", "Les suites arithmétiques"), ("listes", "Les piles et les files")],
)
def test_unrelated_words_do_not_match(query: str, text: str) -> None:
    assert not _matches(query, text)


def test_stop_words_only_give_no_query() -> None:
    assert not query_groups("les des et ou de la")
    assert not query_groups("Peux-tu m'expliquer pourquoi ?")


def test_repeated_query_words_count_once() -> None:
    assert query_groups("dérivée dérivées Dérivée") == [query_word_forms("dérivée")]


def test_forms_of_unaccented_words_include_the_accented_reading() -> None:
    assert word_forms("derivee") == {"derive", "deriv"}
    assert word_forms("dérivée") == {"deriv", "derive"}
    assert "deriv" in query_word_forms("derivons")


def test_index_columns_keep_fields_apart() -> None:
    columns = index_columns("Listes chaînées", "Structures de données", "", "Un maillon pointe")
    assert columns["title_terms"] == " chain chaine list "
    assert "structur" in columns["chapter_terms"]
    assert "maillon" in columns["search_terms"] and "maillon" not in columns["title_terms"]
    assert index_columns("", "", "", "et ou")["search_terms"] == ""


def test_rare_words_weigh_more_than_common_ones() -> None:
    assert idf_weight(100, 1) > idf_weight(100, 50) > 0
    assert idf_weight(100, 100) == 1


def test_shorthands_try_the_word_they_stand_for_and_sms_fillers_are_dropped() -> None:
    assert query_groups("exo de probas") == [
        query_word_forms("exo") | query_word_forms("exercice"),
        query_word_forms("probas") | query_word_forms("probabilités"),
    ]
    assert query_groups("c koi le nombre dérivé svp") == query_groups("nombre dérivé")
    assert _matches("fiche exp", "Fiche : exponentielle")
    assert not query_groups("salut merci")
