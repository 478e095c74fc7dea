from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.aria import chat, services
from nexus.aria.runtime import get_runtime
from nexus.aria.schemas.conversations import (
    AskCreate,
    AskPublic,
    ConversationCreate,
    ConversationDetail,
    ConversationPage,
    ConversationPath,
    ConversationPublic,
    ConversationQuery,
    ConversationUpdate,
    MessageCreate,
    MessagePublic,
)
from nexus.aria.streaming import sse_response, stream_answer
from nexus.db import db

bp = api_blueprint(
    "aria",
    __name__,
    url_prefix="/api/v1/aria",
    description="ARIA, the AI tutor: conversations grounded in the content bank",
)
CHAT_ROLES = (Role.STUDENT, Role.TEACHER)
SSE_DOC = {
    "description": "Server-Sent Events: meta, delta…, then done or error",
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
}


@bp.post("/conversations", responses={201: ConversationPublic, **errors(422)})
@allow(*CHAT_ROLES)
def create_conversation(body: ConversationCreate) -> Response:
    """Start an empty conversation with ARIA."""
    conversation = services.create_conversation(db.session, current_principal(), body.title)
    return json_response(services.conversation_public(conversation, 0), 201)


@bp.get("/conversations", responses={200: ConversationPage, **errors(422)})
@allow(*CHAT_ROLES)
def list_conversations(query: ConversationQuery) -> Response:
    """The caller's conversations, most recently active first."""
    page = services.list_conversations(db.session, current_principal(), query, query.sort)
    return json_response(page)


@bp.get("/conversations/<int:conversation_id>", responses={200: ConversationDetail, **errors(404)})
@allow(*CHAT_ROLES)
def get_conversation(path: ConversationPath) -> Response:
    """One of the caller's conversations with all its messages."""
    detail = services.conversation_detail(db.session, current_principal(), path.conversation_id)
    return json_response(detail)


@bp.patch(
    "/conversations/<int:conversation_id>",
    responses={200: ConversationPublic, **errors(404, 422)},
)
@allow(*CHAT_ROLES)
def rename_conversation(path: ConversationPath, body: ConversationUpdate) -> Response:
    """Rename a conversation."""
    conversation = services.rename_conversation(
        db.session, current_principal(), path.conversation_id, body.title
    )
    return json_response(conversation)


@bp.delete("/conversations/<int:conversation_id>", responses={204: None, **errors(404)})
@allow(*CHAT_ROLES)
def delete_conversation(path: ConversationPath) -> Response:
    """Delete a conversation and its messages (the usage ledger keeps the token counts)."""
    services.delete_conversation(db.session, current_principal(), path.conversation_id)
    return Response(status=204)


@bp.post(
    "/conversations/<int:conversation_id>/messages",
    responses={201: MessagePublic, **errors(404, 409, 422, 429)},
)
@allow(*CHAT_ROLES)
def post_message(path: ConversationPath, body: MessageCreate) -> Response:
    """Ask ARIA; the answer (model or offline fallback) comes back whole, with its sources."""
    message = chat.post_message(
        db.session,
        get_runtime(current_app),
        current_principal(),
        path.conversation_id,
        body.content,
    )
    return json_response(services.message_public(message), 201)


@bp.post(
    "/conversations/<int:conversation_id>/messages/stream",
    responses={200: SSE_DOC, **errors(404, 409, 422, 429)},
)
@allow(*CHAT_ROLES)
def stream_message(path: ConversationPath, body: MessageCreate) -> Response:
    """Ask ARIA and receive the answer as it is written (Server-Sent Events)."""
    # The generator outlives the request: it needs the app itself, not the context proxy.
    proxy: Any = current_app
    app: Flask = proxy._get_current_object()  # pylint: disable=protected-access
    runtime = get_runtime(app)
    exchange = chat.start_stream(
        db.session, runtime, current_principal(), path.conversation_id, body.content
    )
    return sse_response(stream_answer(app, runtime, exchange))


@bp.post("/ask", responses={201: AskPublic, **errors(409, 422, 429)})
@allow(*CHAT_ROLES)
def ask(body: AskCreate) -> Response:
    """A one-shot question: creates a conversation holding the question and ARIA's answer."""
    conversation, message = chat.ask(
        db.session,
        get_runtime(current_app),
        current_principal(),
        body.question,
        body.title,
    )
    public = AskPublic(
        conversation=services.conversation_public(conversation, 2),
        message=services.message_public(message),
    )
    return json_response(public, 201)
