"""How long ARIA keeps what it was told (GDPR storage limitation): ``aria_retention_days``.

A conversation goes when its last message is older than the period (with its messages), a
study plan when it was made before it, a usage row when it was counted before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nexus.aria.models import Conversation, Message, StudyPlan, UsageRecord
from nexus.db import deleted_rows


@dataclass(frozen=True)
class Purged:
    conversations: int
    study_plans: int
    usage: int


def purge(session: Session, now: datetime, days: int) -> Purged:
    """Delete ARIA's rows older than ``days`` before ``now``; idempotent."""
    cutoff = now - timedelta(days=days)
    stale = select(Conversation.id).where(Conversation.updated_at < cutoff)
    usage = deleted_rows(session, delete(UsageRecord).where(UsageRecord.created_at < cutoff))
    session.execute(delete(Message).where(Message.conversation_id.in_(stale)))
    conversations = deleted_rows(
        session, delete(Conversation).where(Conversation.updated_at < cutoff)
    )
    plans = deleted_rows(session, delete(StudyPlan).where(StudyPlan.created_at < cutoff))
    return Purged(conversations=conversations, study_plans=plans, usage=usage)
