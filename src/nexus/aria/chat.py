"""A question to ARIA: checks, retrieval, prompt, answer (online or offline), storage."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.tokens import Principal
from nexus.aria import costs, homework, quotas
from nexus.aria.models import (
    Conversation,
    Message,
    MessageRole,
    MessageStatus,
    ProviderName,
    UsageKind,
)
from nexus.aria.prompts import chat_turns
from nexus.aria.providers.base import ChatTurn, Completion, Usage, estimate_tokens
from nexus.aria.providers.offline import offline_completion
from nexus.aria.retrieval import Learner, citation, load_learner, retrieve
from nexus.aria.runtime import AriaRuntime
from nexus.aria.safety import guard
from nexus.aria.safety.verdicts import Verdict
from nexus.aria.services import (
    DEFAULT_TITLE,
    create_conversation,
    get_conversation,
    message_count,
    title_from,
)
from nexus.aria.usage import record_usage
from nexus.content.search import SearchHit
from nexus.db import utcnow
from nexus.errors import Conflict, Unprocessable
from nexus.language import _

logger = logging.getLogger("nexus.aria.chat")


@dataclass
class Exchange:
    """A question stored and ready to be answered (plain data: it outlives the request)."""

    conversation_id: int
    user_id: int
    user_message_id: int
    question: str
    learner: Learner
    hits: list[SearchHit]
    citations: list[dict[str, Any]]
    turns: list[ChatTurn]
    # False once the month's budget is spent: ARIA then answers offline, and says why.
    model_allowed: bool = True
    # Set when a retrieved exercise hides its solution (nexus.aria.homework).
    solution_guard: homework.Guard | None = None
    # A flagged question (nexus.aria.safety): the screen's answer, no model, no bank; or,
    # for a minor concern, a reminder that opens the ordinary answer.
    safety: Verdict | None = None
    notice: str | None = None
    _offline: Completion | None = field(default=None, repr=False)

    def offline(self) -> Completion:
        """The offline answer (computed once; streams compute it before the request ends)."""
        if self._offline is None and self.safety is not None:
            self._offline = guard.answer(self.safety)
        if self._offline is None:
            if self.solution_guard is not None and self.solution_guard.guided is not None:
                text = self.solution_guard.guided
                usage = Usage(estimate_tokens(self.question), estimate_tokens(text), True)
                completion = Completion(text, usage)
            else:
                completion = offline_completion(self.question, self.hits)
            if not self.model_allowed:
                completion = costs.with_budget_notice(lambda: completion)()
            self._offline = completion
        return self._offline


def _check_length(runtime: AriaRuntime, content: str, field_name: str) -> None:
    limit = runtime.settings.aria_max_message_chars
    if len(content) > limit:
        raise Unprocessable(
            _(
                "The message is %(length)s characters long: ARIA accepts at most %(limit)s.",
                length=len(content),
                limit=limit,
            ),
            field=field_name,
        )


def _history(session: Session, conversation_id: int, limit: int) -> list[ChatTurn]:
    if limit == 0:
        return []
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    return [ChatTurn(m.role.value, m.content) for m in reversed(rows)]


def start_exchange(
    session: Session,
    runtime: AriaRuntime,
    principal: Principal,
    conversation: Conversation,
    content: str,
    field_name: str = "content",
) -> Exchange:
    """Validate, reserve quota, retrieve, store the question; raises 422/409/429 first."""
    settings = runtime.settings
    _check_length(runtime, content, field_name)
    if message_count(session, conversation.id) + 2 > settings.aria_max_conversation_messages:
        raise Conflict(
            _(
                "This conversation has reached %(count)s messages: "
                "start a new one to go on with ARIA.",
                count=settings.aria_max_conversation_messages,
            ),
            code="conversation_full",
        )
    verdict = guard.screen_student(runtime, principal, content)
    stop = verdict if verdict is not None and guard.stops_tutoring(verdict) else None
    if stop is None:  # a message that stops tutoring is answered whatever the quota
        quotas.reserve(session, runtime, principal.user_id)
    learner = load_learner(session, principal)
    history = _history(session, conversation.id, settings.aria_history_messages)
    hits = (
        [] if stop is not None else retrieve(session, content, learner, settings.aria_context_items)
    )
    if not hits and stop is None:
        # A follow-up ("et pour les piles ?") leans on the previous question's words.
        previous = next((t.content for t in reversed(history) if t.role == "user"), "")
        if previous:
            hits = retrieve(session, f"{previous} {content}", learner, settings.aria_context_items)
    message = Message(
        conversation_id=conversation.id, role=MessageRole.USER, content=content, citations=[]
    )
    session.add(message)
    if conversation.title == DEFAULT_TITLE and not history:
        conversation.title = title_from(content)
    conversation.updated_at = utcnow()
    session.flush()
    solution_guard = homework.guard_for(session, principal, content, hits)
    turns = chat_turns(learner, hits, history, content)
    if solution_guard is not None and solution_guard.guided is not None:
        turns.insert(1, ChatTurn("system", homework.RULES))
    if verdict is not None:
        guard.flag(session, principal, conversation.id, message.id, verdict)
    return Exchange(
        conversation_id=conversation.id,
        user_id=principal.user_id,
        user_message_id=message.id,
        question=content,
        learner=learner,
        hits=hits,
        citations=[citation(h.item) for h in hits],
        turns=turns,
        model_allowed=stop is None and costs.budget_allows(session, settings),
        solution_guard=solution_guard,
        safety=stop,
        notice=guard.notice(verdict),
    )


def assistant_message(
    exchange: Exchange,
    text: str,
    provider: ProviderName,
    usage: Usage,
    status: MessageStatus = MessageStatus.COMPLETE,
) -> Message:
    return Message(
        conversation_id=exchange.conversation_id,
        role=MessageRole.ASSISTANT,
        content=text,
        provider=provider,
        offline=provider is ProviderName.OFFLINE,
        status=status,
        citations=exchange.citations,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        usage_estimated=usage.estimated,
    )


def store_answer(
    session: Session,
    runtime: AriaRuntime,
    exchange: Exchange,
    text: str,
    provider: ProviderName,
    usage: Usage,
    status: MessageStatus = MessageStatus.COMPLETE,
    billed: ProviderName | None = None,
) -> Message:
    """Store ARIA's answer; ``billed`` is whose tokens were spent when it is not who wrote the
    text (a model answer replaced by the guided one)."""
    message = assistant_message(exchange, text, provider, usage, status)
    session.add(message)
    conversation = session.get(Conversation, exchange.conversation_id)
    if conversation is not None:
        conversation.updated_at = utcnow()
    session.flush()
    record_usage(
        session, runtime, exchange.user_id, UsageKind.CHAT, billed or provider, usage, message.id
    )
    return message


@dataclass(frozen=True)
class Said:
    """ARIA's answer as the student reads it: who wrote the text, and whose tokens it cost."""

    text: str
    provider: ProviderName
    usage: Usage
    billed: ProviderName


def compose(runtime: AriaRuntime, exchange: Exchange) -> Said:
    """The model's answer (or the offline one), checked against any hidden solution in play."""
    result = runtime.complete(exchange.turns, exchange.offline, allow_model=exchange.model_allowed)
    text, provider, usage = result.completion.text, result.provider, result.completion.usage
    checks = exchange.solution_guard
    if checks is not None and provider is ProviderName.OPENAI and checks.given_away(text):
        logger.info("a model answer gave a hidden solution away: the offline answer replaces it")
        return Said(exchange.offline().text, ProviderName.OFFLINE, usage, provider)
    return Said(text, provider, usage, provider)


def answer(session: Session, runtime: AriaRuntime, exchange: Exchange) -> Message:
    """The whole answer at once (model, or offline fallback), checked, stored; a safety
    reminder (nexus.aria.safety) opens it."""
    said = compose(runtime, exchange)
    text = said.text if exchange.notice is None else f"{exchange.notice}\n\n{said.text}"
    return store_answer(
        session, runtime, exchange, text, said.provider, said.usage, billed=said.billed
    )


def post_message(
    session: Session,
    runtime: AriaRuntime,
    principal: Principal,
    conversation_id: int,
    content: str,
) -> Message:
    conversation = get_conversation(session, principal, conversation_id)
    exchange = start_exchange(session, runtime, principal, conversation, content)
    return answer(session, runtime, exchange)


def ask(
    session: Session,
    runtime: AriaRuntime,
    principal: Principal,
    question: str,
    title: str | None,
) -> tuple[Conversation, Message]:
    """A one-shot question: a new conversation holding the question and its answer."""
    _check_length(runtime, question, "question")
    conversation = create_conversation(session, principal, title or title_from(question))
    exchange = start_exchange(session, runtime, principal, conversation, question, "question")
    return conversation, answer(session, runtime, exchange)


def start_stream(
    session: Session,
    runtime: AriaRuntime,
    principal: Principal,
    conversation_id: int,
    content: str,
) -> Exchange:
    """Store the question now (committed with the request); the answer streams afterwards."""
    conversation = get_conversation(session, principal, conversation_id)
    exchange = start_exchange(session, runtime, principal, conversation, content)
    exchange.offline()  # ready before the request's session goes away
    return exchange
