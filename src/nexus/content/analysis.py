"""French text analysis for the content search: words, stems and their accent-free forms.

Words are lower-cased, stemmed with the Snowball French stemmer and stripped of accents, so
"dérivées", "dérivée" and "dériver" all become "deriv". Snowball needs the accents to find
some endings ("derivee" typed without accents would stay "derive"), so a word also yields the
stem of its accent-free spelling and, when it has no accent, of its likely accented spellings
("derivee" → "dérivée"): those *forms* make accents optional on both sides. Query words also
try their verb forms ("dérivons", "dérivent" → "deriv") and, for a shorthand students type
("exo", "probas", "koi"), the word it stands for. Pure functions, cached per word.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer

_WORD = re.compile(r"[0-9a-zA-ZÀ-ÖØ-öø-ÿœŒæÆ]+")
STOP_WORDS = frozenset(
    "a au aux avec ce ces cet cette comment dans de des du elle en est et il je la le les leur "
    "lui ma mais me mes mon ne nos notre nous on ou où par pas pour qu que qui quoi sa se ses si "
    "son sont sur ta te tes toi ton tu un une vos votre vous y l d j m n s t c être été "
    "quel quelle quels quelles explique expliquer peux peut pourquoi "
    # Politeness and chat: they say nothing about the subject of a question.
    "svp stp merci salut bonjour bonsoir coucou ça ca".split()
)
# What students type for a word (SMS spellings, classroom abbreviations, notations): a query
# word here also tries the forms of the word it stands for, and is dropped when that word is a
# stop word ("koi" → "quoi"). Query side only: the bank is written in full.
SHORTHANDS = {
    "koi": "quoi",
    "kwa": "quoi",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "pr": "pour",
    "ds": "dans",
    "ke": "que",
    "kel": "quel",
    "kelle": "quelle",
    "jsp": "je",
    "exo": "exercice",
    "exos": "exercices",
    "proba": "probabilité",
    "probas": "probabilités",
    "stat": "statistique",
    "stats": "statistiques",
    "fct": "fonction",
    "fonc": "fonction",
    "eq": "équation",
    "eqn": "équation",
    "def": "définition",
    "demo": "démonstration",
    "algo": "algorithme",
    "algos": "algorithmes",
    "prog": "programme",
    "dico": "dictionnaire",
    "dicos": "dictionnaires",
    "trigo": "trigonométrie",
    "exp": "exponentielle",
    "ln": "logarithme",
    "log": "logarithme",
}
MIN_FORM_LENGTH = 2
# Accent-free endings Snowball only recognises accented, tried on words typed without accents.
_REACCENT = (("ees", "ées"), ("ee", "ée"), ("ites", "ités"), ("ite", "ité"), ("es", "és"))
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


_PER_THREAD = threading.local()


def _stemmer() -> Any:  # snowballstemmer ships no type hints
    """This thread's stemmer: a Snowball stemmer keeps the word it works on in itself, so one
    shared by gunicorn's threads mixed their words up (IndexError, a 500, under load)."""
    stemmer = getattr(_PER_THREAD, "stemmer", None)
    if stemmer is None:
        stemmer = _PER_THREAD.stemmer = snowballstemmer.stemmer("french")
    return stemmer


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text.replace("’", "'"))]
    return [w for w in words if w not in STOP_WORDS and len(w) > 1]


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    return _strip_accents(_stemmer().stemWord(word))


def stems(text: str) -> list[str]:
    """The accent-free stems of the meaningful words of ``text``, in order."""
    return [_stem(w) for w in _words(text)]


@lru_cache(maxsize=65_536)
def word_forms(word: str) -> frozenset[str]:
    """What a (lower-case, meaningful) word is indexed under: its stem and accent-free stems."""
    plain = _strip_accents(word)
    forms = {_stem(word), _stem(plain)}
    if plain == word:
        for bare, accented in _REACCENT:
            if word.endswith(bare) and len(word) > len(bare) + 2:
                forms.add(_stem(word[: -len(bare)] + accented))
                break
    return frozenset(f for f in forms if len(f) >= MIN_FORM_LENGTH)


@lru_cache(maxsize=16_384)
def query_word_forms(word: str) -> frozenset[str]:
    """A query word's forms, plus its verb stem for "-ons"/"-ent" ("dérivons" → "deriv")."""
    forms = set(word_forms(word))
    plain = _strip_accents(word)
    for ending in ("ons", "ent"):
        if plain.endswith(ending) and not plain.endswith("ions") and len(plain) >= 7:
            forms.add(_stem(plain[: -len(ending)] + "er"))
    return frozenset(forms)


def _terms(texts: Iterable[str]) -> str:
    forms: set[str] = set()
    for word in {w for text in texts for w in _words(text)}:
        forms |= word_forms(word)
    return " " + " ".join(sorted(forms)) + " " if forms else ""


def index_columns(title: str, chapter: str, summary: str, body: str) -> dict[str, str]:
    """The search columns of an item with that text (also used by migration 0005)."""
    return {
        "search_terms": _terms([title, chapter, summary, body]),
        "title_terms": _terms([title]),
        "chapter_terms": _terms([chapter]),
    }


def query_groups(query: str) -> list[frozenset[str]]:
    """One group of alternative forms per distinct meaningful word of ``query``."""
    groups: list[frozenset[str]] = []
    for word in _words(query):
        meant = SHORTHANDS.get(word)
        if meant in STOP_WORDS:
            continue
        forms = query_word_forms(word) | (query_word_forms(meant) if meant else frozenset())
        if forms and forms not in groups:
            groups.append(forms)
    return groups
