"""Unbroken document numbers per kind and year.

Race rule: the number is taken by ``UPDATE billing_counters SET last_number = last_number + 1
… RETURNING last_number`` inside the issuing transaction. PostgreSQL holds the row lock until
that transaction ends, so concurrent issuers queue on it; a transaction that rolls back
releases its number with it, so no gap appears (unlike a database sequence, which never gives
a value back). The counter row is created on first use with ``INSERT … ON CONFLICT DO
NOTHING``, so two first issuers of a year cannot both create it.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from nexus.billing.models import CounterKind, DocumentCounter

PREFIXES = {CounterKind.INVOICE: "F", CounterKind.CREDIT_NOTE: "A", CounterKind.QUOTE: "D"}


def next_sequence(session: Session, kind: CounterKind, year: int) -> int:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(DocumentCounter)
        .values(kind=kind, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["kind", "year"])
    )
    taken = session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.kind == kind, DocumentCounter.year == year)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
    ).scalar_one()
    return int(taken)


def format_number(kind: CounterKind, year: int, sequence: int) -> str:
    """``F-2026-00042`` for invoices, ``A-2026-00003`` for credit notes, ``D-2026-00001`` for
    quotes (devis)."""
    return f"{PREFIXES[kind]}-{year}-{sequence:05d}"
