"""The admin usage report."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import InputModel

TOTALS_EXAMPLE: dict[str, Any] = {
    "messages": 12,
    "offline_messages": 3,
    "prompt_tokens": 9_400,
    "completion_tokens": 2_100,
    "total_tokens": 11_500,
    "cost_eur": 0.002471,
}


class UsageQuery(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={"examples": [{"from": "2026-11-01", "to": "2026-11-30"}]},
    )

    from_: date | None = Field(
        default=None, alias="from", description="First Paris day (default: 29 days before 'to')"
    )
    to: date | None = Field(default=None, description="Last Paris day, inclusive (default: today)")


class UsageTotals(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [TOTALS_EXAMPLE]})

    messages: int = Field(description="ARIA answers (chat, hints, plans)")
    offline_messages: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost_eur: float = Field(description="Euros, each answer priced with ARIA_PRICES when written")


class UsageByDay(UsageTotals):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"day": "2026-11-26", **TOTALS_EXAMPLE}]}
    )

    day: date


class UsageByUser(UsageTotals):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user_id": 6,
                    "email": "lucas@nexus-reussite.fr",
                    "role": "student",
                    **TOTALS_EXAMPLE,
                }
            ]
        }
    )

    user_id: int
    email: str
    role: str


class UsageByModel(UsageTotals):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"model": "gpt-4o-mini", **TOTALS_EXAMPLE}]}
    )

    model: str = Field(description='The model that answered, "offline" for offline answers')


class UsageReport(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True,
        serialize_by_alias=True,
        json_schema_extra={
            "examples": [
                {
                    "from": "2026-11-26",
                    "to": "2026-11-26",
                    "totals": TOTALS_EXAMPLE,
                    "by_day": [{"day": "2026-11-26", **TOTALS_EXAMPLE}],
                    "by_user": [
                        {
                            "user_id": 6,
                            "email": "lucas@nexus-reussite.fr",
                            "role": "student",
                            **TOTALS_EXAMPLE,
                        }
                    ],
                    "by_model": [{"model": "gpt-4o-mini", **TOTALS_EXAMPLE}],
                    "budget_eur": 50.0,
                    "month_to_date_eur": 12.41,
                }
            ]
        },
    )

    from_: date = Field(alias="from")
    to: date
    totals: UsageTotals
    by_day: list[UsageByDay]
    by_user: list[UsageByUser]
    by_model: list[UsageByModel]
    budget_eur: float | None = Field(description="ARIA_MONTHLY_BUDGET_EUR (null: no budget)")
    month_to_date_eur: float = Field(
        description="Spent since the first of this Paris month: at the budget, ARIA answers offline"
    )
