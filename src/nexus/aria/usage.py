"""The usage ledger: one row per ARIA answer, and the admin report built from it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import ColumnElement, Integer, case, func, literal_column, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.aria.costs import MICRO, cost_micro_euros, month_to_date
from nexus.aria.models import ProviderName, UsageKind, UsageRecord
from nexus.aria.providers.base import Usage
from nexus.aria.quotas import add_tokens
from nexus.aria.runtime import AriaRuntime
from nexus.aria.schemas.admin import (
    UsageByDay,
    UsageByModel,
    UsageByUser,
    UsageReport,
    UsageTotals,
)
from nexus.clock import paris_today
from nexus.config import Settings
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
    model = None if offline else runtime.settings.openai_model
    cost = cost_micro_euros(runtime.settings, model, usage)
    row = UsageRecord(
        user_id=user_id,
        day=paris_today(),
        kind=kind,
        provider=provider,
        offline=offline,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        message_id=message_id,
        model=model,
        cost_micro_euros=cost,
    )
    session.add(row)
    session.flush()
    if not offline:
        add_tokens(session, runtime, user_id, usage.total_tokens, row.day)
        _count_cost(model or "", cost / MICRO)
    return row


def _count_cost(model: str, euros: float) -> None:
    """The Prometheus counter of what ARIA spent (``nexus_aria_cost_euros_total``)."""
    metrics = current_app.extensions.get("nexus.metrics") if has_app_context() else None
    if metrics is not None:
        metrics.count_aria_cost(model, euros)


def _totals_columns() -> tuple[ColumnElement[Any], ...]:
    return (
        func.count(UsageRecord.id),
        func.coalesce(func.sum(UsageRecord.prompt_tokens), 0),
        func.coalesce(func.sum(UsageRecord.completion_tokens), 0),
        func.coalesce(func.sum(case((UsageRecord.offline.is_(True), 1), else_=0)), 0).cast(Integer),
        func.coalesce(func.sum(UsageRecord.cost_micro_euros), 0),
    )


def _totals(row: tuple[object, ...]) -> UsageTotals:
    messages, prompt, completion, offline, cost = (int(str(v)) for v in row)
    return UsageTotals(
        messages=messages,
        offline_messages=offline,
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        cost_eur=round(cost / MICRO, 6),
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


def _model_or_offline() -> ColumnElement[str]:
    # A literal, not a bound parameter: PostgreSQL matches the SELECT and GROUP BY expressions
    # by their text, and three parameters ($1, $11, $12) are three different expressions.
    return func.coalesce(UsageRecord.model, literal_column("'offline'"))


def usage_report(
    session: Session, settings: Settings, start: date | None, end: date | None
) -> UsageReport:
    """Totals (tokens and euros) per Paris day, per user and per model over ``start``…``end``
    (inclusive), with this month's spending against the budget."""
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
    model = _model_or_offline()
    models = session.execute(
        select(model, *columns).where(*in_range).group_by(model).order_by(model)
    ).all()
    return UsageReport(
        from_=start,
        to=end,
        budget_eur=settings.aria_monthly_budget_eur or None,
        month_to_date_eur=round(month_to_date(session) / MICRO, 6),
        totals=_totals(tuple(total)),
        by_day=[UsageByDay(day=row[0], **_totals(tuple(row[1:])).model_dump()) for row in days],
        by_user=[
            UsageByUser(
                user_id=row[0], email=row[1], role=row[2], **_totals(tuple(row[3:])).model_dump()
            )
            for row in users
        ],
        by_model=[
            UsageByModel(model=row[0], **_totals(tuple(row[1:])).model_dump()) for row in models
        ],
    )
