"""The usage ledger: one row per ARIA answer, and the admin report built from it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.aria.models import ProviderName, UsageKind, UsageRecord
from nexus.aria.providers.base import Usage
from nexus.aria.quotas import add_tokens
from nexus.aria.runtime import AriaRuntime
from nexus.aria.schemas.admin import UsageByDay, UsageByUser, UsageReport, UsageTotals
from nexus.clock import paris_today
from nexus.errors import Unprocessable
from nexus.language import _

DEFAULT_SPAN_DAYS = 30
MAX_SPAN_DAYS = 366


def record_usage(
    session: Session,
    runtime: AriaRuntime,
    user_id: int,
    kind: UsageKind,
    provider: ProviderName,
    usage: Usage,
    message_id: int | None = None,
) -> UsageRecord:
    offline = provider is ProviderName.OFFLINE
    row = UsageRecord(
        user_id=user_id,
        day=paris_today(),
        kind=kind,
        provider=provider,
        offline=offline,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        message_id=message_id,
    )
    session.add(row)
    session.flush()
    if not offline:
        add_tokens(session, runtime, user_id, usage.total_tokens, row.day)
    return row


def _totals_columns() -> tuple[ColumnElement[Any], ...]:
    return (
        func.count(UsageRecord.id),
        func.coalesce(func.sum(UsageRecord.prompt_tokens), 0),
        func.coalesce(func.sum(UsageRecord.completion_tokens), 0),
        func.coalesce(func.sum(case((UsageRecord.offline.is_(True), 1), else_=0)), 0).cast(Integer),
    )


def _totals(row: tuple[object, ...]) -> UsageTotals:
    messages, prompt, completion, offline = (int(str(v)) for v in row)
    return UsageTotals(
        messages=messages,
        offline_messages=offline,
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
    )


def report_range(start: date | None, end: date | None) -> tuple[date, date]:
    """The requested range, defaulting to the last 30 Paris days; 422 when inverted or huge."""
    end = end or paris_today()
    start = start or end - timedelta(days=DEFAULT_SPAN_DAYS - 1)
    if start > end:
        raise Unprocessable(_("'from' must be on or before 'to'."), field="to")
    if (end - start).days >= MAX_SPAN_DAYS:
        raise Unprocessable(
            _("The range may not exceed %(days)s days.", days=MAX_SPAN_DAYS),
            field="from",
        )
    return start, end


def usage_report(session: Session, start: date | None, end: date | None) -> UsageReport:
    """Totals per Paris day and per user over ``start``…``end`` (inclusive)."""
    start, end = report_range(start, end)
    in_range = (UsageRecord.day >= start, UsageRecord.day <= end)
    columns = _totals_columns()
    total = session.execute(select(*columns).where(*in_range)).one()
    days = session.execute(
        select(UsageRecord.day, *columns)
        .where(*in_range)
        .group_by(UsageRecord.day)
        .order_by(UsageRecord.day)
    ).all()
    users = session.execute(
        select(User.id, User.email, User.role, *columns)
        .join(User, User.id == UsageRecord.user_id)
        .where(*in_range)
        .group_by(User.id, User.email, User.role)
        .order_by(
            (func.sum(UsageRecord.prompt_tokens) + func.sum(UsageRecord.completion_tokens)).desc(),
            User.id,
        )
    ).all()
    return UsageReport(
        from_=start,
        to=end,
        totals=_totals(tuple(total)),
        by_day=[UsageByDay(day=row[0], **_totals(tuple(row[1:])).model_dump()) for row in days],
        by_user=[
            UsageByUser(
                user_id=row[0], email=row[1], role=row[2], **_totals(tuple(row[3:])).model_dump()
            )
            for row in users
        ],
    )
