"""Conversations: create, list, read, rename, delete. A user only ever sees their own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from nexus.accounts.tokens import Principal
from nexus.api.schemas import PageQuery
from nexus.aria.models import Conversation, Message
from nexus.aria.providers.base import Usage
from nexus.aria.schemas.conversations import (
    Citation,
    ConversationDetail,
    ConversationPage,
    ConversationPublic,
    MessagePublic,
    UsagePublic,
)
from nexus.db import utcnow
from nexus.errors import NotFound, Unprocessable
from nexus.language import _
from nexus.language.collation import french

DEFAULT_TITLE = "Nouvelle conversation"
TITLE_CHARS = 60
SORTS = {
    "updated_at": Conversation.updated_at,
    "created_at": Conversation.created_at,
    "title": french(Conversation.title),
}


def title_from(question: str) -> str:
    line = " ".join(question.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


def create_conversation(session: Session, principal: Principal, title: str | None) -> Conversation:
    conversation = Conversation(user_id=principal.user_id, title=title or DEFAULT_TITLE)
    session.add(conversation)
    session.flush()
    return conversation


def get_conversation(session: Session, principal: Principal, conversation_id: int) -> Conversation:
    """The caller's conversation; anyone else's is 404, like one that does not exist."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.user_id != principal.user_id:
        raise NotFound(_("Conversation not found."))
    return conversation


def message_count(session: Session, conversation_id: int) -> int:
    return (
        session.scalar(
            select(func.count(Message.id)).where(Message.conversation_id == conversation_id)
        )
        or 0
    )


def list_conversations(
    session: Session, principal: Principal, page: PageQuery, sort: str
) -> ConversationPage:
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        raise Unprocessable(
            _(
                "sort must be one of %(sorts)s (optionally prefixed with '-').",
                sorts=", ".join(SORTS),
            ),
            field="sort",
        )
    order = column.desc() if sort.startswith("-") else column.asc()
    own = Conversation.user_id == principal.user_id
    rows, total = conversations_page(session, own, order, page)
    return ConversationPage.of((conversation_public(c, n) for c, n in rows), page, total)


def conversations_page(
    session: Session, condition: ColumnElement[bool], order: ColumnElement[Any], page: PageQuery
) -> tuple[list[tuple[Conversation, int]], int]:
    """One page of the conversations matching ``condition``, each with its message count, in
    ``order`` (newest id last to break ties), and how many match in all."""
    total = session.scalar(select(func.count(Conversation.id)).where(condition)) or 0
    counts = (
        select(Message.conversation_id, func.count(Message.id).label("n"))
        .group_by(Message.conversation_id)
        .subquery()
    )
    rows = session.execute(
        select(Conversation, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.conversation_id == Conversation.id)
        .where(condition)
        .order_by(order, Conversation.id.desc())
        .offset(page.offset)
        .limit(page.page_size)
    ).all()
    return [(conversation, int(n)) for conversation, n in rows], total


def conversation_detail(
    session: Session, principal: Principal, conversation_id: int
) -> ConversationDetail:
    conversation = session.scalars(
        select(Conversation)
        .where(Conversation.id == conversation_id, Conversation.user_id == principal.user_id)
        .options(selectinload(Conversation.messages))
    ).one_or_none()
    if conversation is None:
        raise NotFound(_("Conversation not found."))
    messages = [message_public(m) for m in conversation.messages]
    return ConversationDetail(
        **conversation_public(conversation, len(messages)).model_dump(), messages=messages
    )


def rename_conversation(
    session: Session, principal: Principal, conversation_id: int, title: str
) -> ConversationPublic:
    conversation = get_conversation(session, principal, conversation_id)
    conversation.title = title
    conversation.updated_at = utcnow()
    session.flush()
    return conversation_public(conversation, message_count(session, conversation.id))


def delete_conversation(session: Session, principal: Principal, conversation_id: int) -> None:
    conversation = get_conversation(session, principal, conversation_id)
    session.delete(conversation)
    session.flush()


def conversation_public(conversation: Conversation, count: int) -> ConversationPublic:
    return ConversationPublic(
        id=conversation.id,
        title=conversation.title,
        message_count=count,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
    )


def usage_public(usage: Usage) -> UsagePublic:
    return UsagePublic(
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        total_tokens=usage.total_tokens,
        estimated=usage.estimated,
    )


def message_public(message: Message) -> MessagePublic:
    return MessagePublic(
        id=message.id,
        conversation_id=message.conversation_id,
        role=message.role,
        content=message.content,
        provider=message.provider,
        offline=message.offline,
        status=message.status,
        citations=[Citation(**c) for c in message.citations],
        usage=usage_public(
            Usage(message.prompt_tokens, message.completion_tokens, message.usage_estimated)
        ),
        created_at=message.created_at,
    )
