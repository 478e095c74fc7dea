"""Schemas shared by every domain: pagination, messages."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
MAX_PAGE_SIZE = 100
# Identifiers are 32-bit integers in the database: larger ones cannot exist (422, not a 500).
MAX_ID = 2_147_483_647


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=100_000, description="1-based page number")
    page_size: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE, description="Items per page")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


class Page(BaseModel, Generic[T]):
    items: list[T]
    page: int = Field(examples=[1])
    page_size: int = Field(examples=[20])
    total: int = Field(examples=[42])


class Message(BaseModel):
    message: str = Field(examples=["Done."])


def examples(first: Any, *more: Any) -> dict[str, Any]:
    """``json_schema_extra`` for a model: JSON Schema ``examples`` plus the OpenAPI ``example``.

    flask-openapi3 keeps only ``example`` on component schemas, so both are given.
    """
    return {"examples": [first, *more], "example": first}
