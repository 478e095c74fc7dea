"""``/api/v1/content``: the content bank (lessons, exercises, revision sheets)."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response, raw_json_response
from nexus.cache import cached_json
from nexus.content import freshness, listing, services
from nexus.content.models import ContentItem
from nexus.content.schemas.items import ContentCreate, ContentPath, ContentPublic, ContentUpdate
from nexus.content.schemas.listing import (
    ChapterFacet,
    ChapterPage,
    ChapterQuery,
    ContentListQuery,
    ContentPage,
    ContentSummary,
)
from nexus.db import db

bp = api_blueprint(
    "content",
    __name__,
    url_prefix="/api/v1/content",
    description="Lessons, exercises and revision sheets in French, with French full-text "
    "search. Every signed-in user reads; teachers and admins write. Students and parents see "
    "an exercise's solution once it is published; teachers and admins always see it.",
)


def _public(item: ContentItem) -> ContentPublic:
    principal = current_principal()
    return ContentPublic.of(item, show_solution=services.may_see_solution(item, principal))


@bp.get("", responses={200: ContentPage, **errors(422)})
@allow(cached_read=True)
def list_items(query: ContentListQuery) -> Response:
    """List items, filtered and sorted; with `q`, only matches, ranked by relevance.

    `q` is a French full-text query: accents are optional, plurals and verb forms match
    ("dérivées", "derivee" and "dériver" all find "dérivée"), stop words are ignored. An item
    matches when it holds any of the query's words; words in the title count most, then the
    chapter, then the rest, and rare words more than common ones. A `q` made only of stop
    words matches nothing. Sorting by title or chapter follows the database's collation.
    """

    def page() -> str:
        rows, total = listing.list_items(db.session, query)
        items = [ContentSummary.of(row.item, row.score) for row in rows]
        return ContentPage.of(items, query, total).model_dump_json()

    # Summaries carry no solution: the page is the same for every caller.
    return raw_json_response(cached_json(freshness.NAMESPACE, query.model_dump_json(), page))


@bp.get("/chapters", responses={200: ChapterPage, **errors(422)})
@allow()
def list_chapters(query: ChapterQuery) -> Response:
    """Distinct subject / level / chapter triples with their item counts (for navigation)."""
    rows, total = listing.list_chapters(db.session, query)
    facets = [
        ChapterFacet(subject=r.subject, level=r.level, chapter=r.chapter, items=r.items)
        for r in rows
    ]
    return json_response(ChapterPage.of(facets, query, total))


@bp.get("/<int:content_id>", responses={200: ContentPublic, **errors(404, 422)})
@allow()
def get_item(path: ContentPath) -> Response:
    """One item with its body; the solution only when the caller may see it."""
    return json_response(_public(services.get_item(db.session, path.content_id)))


@bp.post("", responses={201: ContentPublic, **errors(409, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def create_item(body: ContentCreate) -> Response:
    """Write an item; the caller becomes its author. Only exercises take a solution."""
    item = services.create_item(db.session, current_principal(), body)
    return json_response(_public(item), 201)


@bp.patch("/<int:content_id>", responses={200: ContentPublic, **errors(404, 409, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def update_item(path: ContentPath, body: ContentUpdate) -> Response:
    """Change some fields of an item (its author or an admin; other teachers get 403)."""
    item = services.update_item(db.session, current_principal(), path.content_id, body)
    return json_response(_public(item))


@bp.delete("/<int:content_id>", responses={204: None, **errors(404)})
@allow(Role.TEACHER, Role.ADMIN)
def delete_item(path: ContentPath) -> Response:
    """Delete an item (its author or an admin; other teachers get 403)."""
    services.delete_item(db.session, current_principal(), path.content_id)
    return Response(status=204)


@bp.post("/<int:content_id>/solution/publish", responses={200: ContentPublic, **errors(404, 409)})
@allow(Role.TEACHER, Role.ADMIN)
def publish_solution(path: ContentPath) -> Response:
    """Let students and parents read the exercise's solution (any teacher; idempotent)."""
    item = services.set_solution_published(db.session, path.content_id, True)
    return json_response(_public(item))


@bp.post("/<int:content_id>/solution/unpublish", responses={200: ContentPublic, **errors(404)})
@allow(Role.TEACHER, Role.ADMIN)
def unpublish_solution(path: ContentPath) -> Response:
    """Hide the solution from students and parents again (any teacher; idempotent)."""
    item = services.set_solution_published(db.session, path.content_id, False)
    return json_response(_public(item))
