"""Schemas shared by every domain: pagination, messages."""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

T = TypeVar("T")
MAX_PAGE_SIZE = 100
# Identifiers are 32-bit integers in the database: larger ones cannot exist (422, not a 500).
MAX_ID = 2_147_483_647


def _number_but_not_bool(annotation: Any) -> bool:
    kinds: set[Any] = set()

    def walk(node: Any) -> None:
        origin = get_origin(node)
        if origin is Annotated:
            walk(get_args(node)[0])
        elif origin in (typing.Union, types.UnionType):
            for arg in get_args(node):
                walk(arg)
        else:
            kinds.add(node)

    walk(annotation)
    return bool(kinds & {int, float}) and bool not in kinds


class InputModel(BaseModel):
    """Base of every request schema: unknown fields are refused, and so are JSON booleans
    where a number is expected (pydantic would quietly read ``false`` as ``0``)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name is not None:
            field = cls.model_fields.get(info.field_name)  # pylint: disable=no-member
            if field is not None and _number_but_not_bool(field.annotation):
                raise ValueError("Input should be a number, not a boolean")
        return value


class PageQuery(InputModel):

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
