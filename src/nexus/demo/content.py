"""The demo content bank: French lessons, exercises and revision sheets for NSI, mathématiques
and physique-chimie, Première and Terminale, read from ``content_bank/*.json``.

Items are matched on their ``slug``: a missing item is created (authored by the subject's demo
teacher when that account exists), a changed one is updated, nothing is ever duplicated. The
texts are managed by the files; whether a solution is published is set at creation only, so a
teacher's later choice survives a re-seed.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts import services as accounts
from nexus.content.models import ContentItem
from nexus.content.schemas.items import ContentCreate
from nexus.content.search import refresh_index
from nexus.content.services import check_solution
from nexus.content.vocabulary import Subject

BANK_DIRECTORY = "content_bank"
AUTHOR_EMAILS = {
    Subject.NSI: "prof.nsi@nexus-reussite.fr",
    Subject.MATHEMATIQUES: "prof.maths@nexus-reussite.fr",
    Subject.PHYSIQUE_CHIMIE: "prof.physique@nexus-reussite.fr",
}
MANAGED_FIELDS = (
    "kind",
    "title",
    "subject",
    "level",
    "chapter",
    "difficulty",
    "summary",
    "body",
    "solution",
)
_ENTRIES = TypeAdapter(list[ContentCreate])


def load_bank(folder: Traversable | None = None) -> list[ContentCreate]:
    """Every entry of the bank files, validated like an API request; each has a slug."""
    entries: list[ContentCreate] = []
    folder = folder or resources.files("nexus.demo").joinpath(BANK_DIRECTORY)
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".json"):
            entries.extend(_ENTRIES.validate_python(json.loads(path.read_text("utf-8"))))
    missing = [entry.title for entry in entries if entry.slug is None]
    if missing:
        raise ValueError(f"content bank entries without a slug: {missing}")
    return entries


def _authors(session: Session) -> dict[Subject, int]:
    authors: dict[Subject, int] = {}
    for subject, email in AUTHOR_EMAILS.items():
        user = accounts.find_by_email(session, email)
        if user is not None:
            authors[subject] = user.id
    return authors


def _create(entry: ContentCreate, author_id: int | None) -> ContentItem:
    item = ContentItem(author_id=author_id, **entry.model_dump())
    check_solution(item)
    refresh_index(item)
    return item


def _update(item: ContentItem, entry: ContentCreate, author_id: int | None) -> None:
    changed = False
    for name in MANAGED_FIELDS:
        value = getattr(entry, name)
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    if item.author_id is None and author_id is not None:
        item.author_id = author_id
    if item.solution is None and item.solution_published:
        item.solution_published = False
    if changed:
        check_solution(item)
        refresh_index(item)


def seed(session: Session) -> None:
    entries = load_bank()
    authors = _authors(session)
    slugs = [entry.slug for entry in entries]
    existing = {
        item.slug: item
        for item in session.scalars(select(ContentItem).where(ContentItem.slug.in_(slugs)))
    }
    for entry in entries:
        item = existing.get(entry.slug or "")
        author_id = authors.get(entry.subject)
        if item is None:
            session.add(_create(entry, author_id))
        else:
            _update(item, entry, author_id)
