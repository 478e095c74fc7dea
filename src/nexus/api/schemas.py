"""Schemas shared by every domain: pagination, messages."""

from __future__ import annotations

import copy
import types
import typing
from functools import lru_cache
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

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Pydantic's schema, computed once per class for the no-argument call.

        flask-openapi3 calls ``query.model_json_schema()`` on every request with a query
        string, only to read which fields are arrays: regenerating it cost ~2 ms a request.
        Calls with arguments (the OpenAPI document) are not cached. A copy is returned, so a
        caller that edits it cannot spoil the cache.
        """
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        cached: dict[str, Any] | None = cls.__dict__.get("_nexus_json_schema")
        if cached is None:
            cached = super().model_json_schema()
            # A class attribute pydantic does not see (set after the class was built).
            setattr(cls, "_nexus_json_schema", cached)
        return copy.deepcopy(cached)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name is not None:
            if _refuses_booleans(cls, info.field_name):
                raise ValueError("Input should be a number, not a boolean")
        return value


@lru_cache(maxsize=None)
def _refuses_booleans(model: type[BaseModel], field_name: str) -> bool:
    """Once per model field (the validator runs on every field of every request)."""
    return _number_but_not_bool(model.model_fields[field_name].annotation)


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
