"""What ARIA's model calls cost, and the monthly budget beyond which ARIA answers offline.

A price is in euros per million tokens, so a token costs that many micro-euros: each usage row
stores its cost in micro-euros (an integer: exact sums on every backend), priced when it is
written, so a later change of the price table does not rewrite the past.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.aria.models import UsageRecord
from nexus.aria.providers.base import Completion, Usage
from nexus.clock import next_month, paris_today
from nexus.config import Settings
from nexus.language import formats

logger = logging.getLogger("nexus.aria.costs")
MICRO = 1_000_000


def cost_micro_euros(settings: Settings, model: str | None, usage: Usage) -> int:
    """The cost of one answer; an offline answer (no model) costs nothing."""
    if model is None:
        return 0
    price = settings.aria_prices.get(model)
    if price is None:
        logger.warning("no price for this model: its usage is counted at 0", extra={"model": model})
        return 0
    return round(usage.prompt_tokens * price.prompt + usage.completion_tokens * price.completion)


def month_start(today: date) -> date:
    return today.replace(day=1)


def month_to_date(session: Session, today: date | None = None) -> int:
    """Micro-euros spent since the first of the current Paris month."""
    start = month_start(today or paris_today())
    spent = session.scalar(
        select(func.coalesce(func.sum(UsageRecord.cost_micro_euros), 0)).where(
            UsageRecord.day >= start
        )
    )
    return int(spent or 0)


def budget_allows(session: Session, settings: Settings, now: datetime | None = None) -> bool:
    """Whether ARIA may call its model: no budget, or this month's spending is below it."""
    if settings.aria_monthly_budget_eur <= 0:
        return True
    today = paris_today(now)
    return month_to_date(session, today) < round(settings.aria_monthly_budget_eur * MICRO)


def budget_notice(today: date | None = None) -> str:
    """Said (in French, to the student) when ARIA answers offline because of the budget."""
    reset = next_month(today or paris_today())
    return (
        "Le budget mensuel d'ARIA est atteint : ARIA répond hors ligne, à partir des ressources "
        f"de Nexus Réussite, jusqu'au {formats.long_date(reset, 'fr')}."
    )


def with_budget_notice(fallback: Callable[[], Completion]) -> Callable[[], Completion]:
    """The offline answer, introduced by the budget notice."""

    def answer() -> Completion:
        completion = fallback()
        return Completion(f"{budget_notice()}\n\n{completion.text}", completion.usage)

    return answer
