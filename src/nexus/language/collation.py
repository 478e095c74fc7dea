"""French sorting of text in SQL: "Dérivées", "Donne-moi", "éclairage", "Énergie", "Zèbre".

The databases compare bytes (PostgreSQL's C.UTF-8, SQLite's BINARY), which puts every capital
before every small letter and every accented letter after "z". :func:`french` wraps a column
of an ORDER BY in the French collation: on PostgreSQL the ICU collation ``nexus_fr`` that
migration 0008 creates, on SQLite the Python collation of the same name that ``nexus.db``
registers on each connection (accents and case ignored first, then the exact text, so the
order is total).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

NAME = "nexus_fr"


class french(FunctionElement[str]):  # pylint: disable=invalid-name,too-many-ancestors
    """``french(column)``: the column, compared the French way (for ORDER BY)."""

    type = String()
    name = "french"
    inherit_cache = True


@compiles(french)
def _generic(element: french, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(french, "postgresql")
@compiles(french, "sqlite")
def _collated(element: french, compiler: Any, **kw: Any) -> str:
    return f'{compiler.process(element.clauses, **kw)} COLLATE "{NAME}"'


def _primary(text: str) -> str:
    """The text without accents, case folded: what French dictionary order compares first."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sqlite_compare(left: str, right: str) -> int:
    """SQLite's collation callback: negative, zero or positive."""
    a, b = (_primary(left), left), (_primary(right), right)
    return (a > b) - (a < b)
