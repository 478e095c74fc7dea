"""What the chat calls (``nexus.aria.chat.start_exchange``, shared by the three entry points:
messages, their stream, one-shot questions): screen, flag, answer.

A flag of medium or high severity stops tutoring: ARIA gives the screen's answer instead. A
low one (personal data, already redacted before anything leaves) does not: ARIA tutors, and
its answer opens with a reminder not to share such data."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.aria.providers.base import Completion, Usage
from nexus.aria.runtime import AriaRuntime
from nexus.aria.safety.answers import notifies_adults, safety_answer
from nexus.aria.safety.flags import raise_flag
from nexus.aria.safety.screen import screen
from nexus.aria.safety.verdicts import Verdict


def screen_student(runtime: AriaRuntime, principal: Principal, content: str) -> Verdict | None:
    """The verdict on a student's message when it is flagged; ``None`` when ARIA may tutor
    (nothing found, or the author is a teacher: only students' messages are screened)."""
    if principal.role is not Role.STUDENT:
        return None
    verdict = screen(runtime, content)
    return verdict if verdict.flagged else None


def flag(
    session: Session, principal: Principal, conversation_id: int, message_id: int, verdict: Verdict
) -> None:
    student = session.get(User, principal.user_id)
    if student is not None:
        raise_flag(session, student, conversation_id, message_id, verdict)


def stops_tutoring(verdict: Verdict) -> bool:
    return notifies_adults(verdict.worst.severity)


def notice(verdict: Verdict | None) -> str | None:
    """The reminder that opens ARIA's answer to a message flagged without stopping tutoring."""
    if verdict is None or stops_tutoring(verdict):
        return None
    return safety_answer(verdict.worst)


def answer(verdict: Verdict) -> Completion:
    """ARIA's answer to a flagged message: no model, no bank, no tokens."""
    text = safety_answer(verdict.worst, verdict.family_involved)
    return Completion(text, Usage(0, 0, estimated=True))
