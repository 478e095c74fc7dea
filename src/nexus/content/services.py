"""Content bank: writing items and deciding who sees what.

Rules (also in the API docs):

* every signed-in role reads every item;
* the solution of an exercise is shown to teachers and admins always, to students and parents
  once ``solution_published`` is true;
* teachers and admins write; an item is changed or deleted by its author or an admin (another
  teacher gets 403: the item is readable by all, so hiding it behind a 404 would protect
  nothing); items without an author (seeded, or whose author left) are admin-only;
* publishing or withdrawing a solution is a class decision any teacher may take.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.content.models import ContentItem
from nexus.content.schemas.items import ContentCreate, ContentUpdate
from nexus.content.search import refresh_index
from nexus.content.slugs import slugify, unique_slug
from nexus.content.vocabulary import ContentKind
from nexus.errors import Conflict, Forbidden, NotFound, Unprocessable
from nexus.language import _

STAFF = frozenset({Role.TEACHER, Role.ADMIN})


def may_see_solution(item: ContentItem, principal: Principal) -> bool:
    return principal.role in STAFF or item.solution_published


def may_edit(item: ContentItem, principal: Principal) -> bool:
    if principal.role == Role.ADMIN:
        return True
    return principal.role == Role.TEACHER and item.author_id == principal.user_id


def get_item(session: Session, content_id: int) -> ContentItem:
    item = session.get(ContentItem, content_id)
    if item is None:
        raise NotFound(_("Content item not found."))
    return item


def _editable(session: Session, principal: Principal, content_id: int) -> ContentItem:
    item = get_item(session, content_id)
    if not may_edit(item, principal):
        raise Forbidden(_("Only the item's author or an administrator may change it."))
    return item


def _free_slug(session: Session, base: str) -> str:
    taken = session.scalars(
        select(ContentItem.slug).where(
            or_(ContentItem.slug == base, ContentItem.slug.startswith(f"{base}-"))
        )
    )
    return unique_slug(base, set(taken))


def _check_slug_free(session: Session, slug: str, item_id: int | None = None) -> None:
    owner = session.scalar(select(ContentItem.id).where(ContentItem.slug == slug))
    if owner is not None and owner != item_id:
        raise Conflict(
            _("The slug '%(slug)s' is already used by item %(owner)s.", slug=slug, owner=owner),
            field="slug",
        )


def check_solution(item: ContentItem) -> None:
    """The rules every item obeys, whoever writes it (API or demo seeder)."""
    if item.solution is not None and item.kind != ContentKind.EXERCISE:
        raise Unprocessable(
            _("Only exercises have a solution; remove it or make the item an exercise."),
            field="solution",
        )
    if item.solution_published and item.solution is None:
        raise Unprocessable(
            _("An item without a solution cannot have it published."), field="solution_published"
        )


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent writer took the same slug
        raise Conflict(_("The slug is already used by another item."), field="slug") from exc


def create_item(session: Session, principal: Principal, data: ContentCreate) -> ContentItem:
    values: dict[str, Any] = data.model_dump(exclude={"slug"})
    if data.slug is not None:
        _check_slug_free(session, data.slug)
        slug = data.slug
    else:
        slug = _free_slug(session, slugify(data.title))
    item = ContentItem(slug=slug, author_id=principal.user_id, **values)
    check_solution(item)
    refresh_index(item)
    session.add(item)
    _flush(session)
    return item


def update_item(
    session: Session, principal: Principal, content_id: int, data: ContentUpdate
) -> ContentItem:
    item = _editable(session, principal, content_id)
    changes = data.model_dump(include=data.model_fields_set)
    if "slug" in changes:
        _check_slug_free(session, changes["slug"], item.id)
    for name, value in changes.items():
        setattr(item, name, value)
    if item.solution is None:
        item.solution_published = False
    check_solution(item)
    refresh_index(item)
    _flush(session)
    return item


def delete_item(session: Session, principal: Principal, content_id: int) -> None:
    item = _editable(session, principal, content_id)
    session.delete(item)
    session.flush()


def set_solution_published(session: Session, content_id: int, published: bool) -> ContentItem:
    item = get_item(session, content_id)
    if published and item.solution is None:
        raise Conflict(
            _("This item has no solution to publish."), code="no_solution", field="solution"
        )
    item.solution_published = published
    session.flush()
    return item
