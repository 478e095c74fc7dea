"""Schemas shared by every domain: pagination, messages."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any, Generic, Self, TypeVar, cast, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue

from nexus.language import _

T = TypeVar("T")
MAX_PAGE_SIZE = 100
# Identifiers are 32-bit integers in the database: larger ones cannot exist (422, not a 500).
MAX_ID = 2_147_483_647


class Nullable:
    """Marks an optional input field where an explicit ``null`` means something (clear the
    value): ``Annotated[date | None, NULLABLE] = None``. Elsewhere ``null`` is refused, and the
    schema says so (the field may be left out, not sent as null)."""


NULLABLE = Nullable()
# Query strings carry text: what a strict integer, boolean or date looks like there.
_INTEGER_TEXT = re.compile(r"-?[0-9]+")
_BOOLEAN_TEXT = {"true": True, "false": False}
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")


def _kinds(annotation: Any) -> frozenset[Any]:
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
    return frozenset(kinds)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _strict(kinds: frozenset[Any], value: Any) -> Any:
    """``value`` as strict JSON/query-string input for a field of these ``kinds``, or
    ValueError. pydantic's lax mode would read ``0`` as ``false``, ``true`` as ``1`` and
    ``"0"`` as 1 January 1970."""
    if _holds_nul(value):
        raise ValueError(_("must not contain a NUL character"))
    if isinstance(value, bool):
        if bool not in kinds and kinds & {int, float}:
            raise ValueError(_("Input should be a number, not a boolean"))
        return value
    if bool in kinds and not kinds & {int, float, str}:
        if isinstance(value, str) and value in _BOOLEAN_TEXT:
            return _BOOLEAN_TEXT[value]
        if value is not None:
            raise ValueError(_("Input should be true or false"))
    elif int in kinds and float not in kinds and isinstance(value, str):
        if not _INTEGER_TEXT.fullmatch(value):
            raise ValueError(_("Input should be an integer"))
    elif kinds & {date, datetime} and not kinds & {str}:
        if isinstance(value, (int, float)):
            raise ValueError(_("Input should be a date in ISO 8601 form, not a number"))
        pattern = _DATETIME_TEXT if datetime in kinds else _DATE_TEXT
        if isinstance(value, str) and not pattern.match(value):
            raise ValueError(_("Input should be a date in ISO 8601 form (YYYY-MM-DD)"))
    return value


def _omittable(field: FieldInfo) -> bool:
    """Optional with a ``None`` default, and ``null`` not meaningful: leave it out instead."""
    return (
        not field.is_required()
        and field.default is None
        and not any(isinstance(item, Nullable) for item in field.metadata)
    )


def _strip_null(prop: dict[str, Any]) -> None:
    branches = prop.get("anyOf")
    if branches is None:
        return
    kept = [branch for branch in branches if branch != {"type": "null"}]
    if len(kept) == 1:
        del prop["anyOf"]
        prop.update(kept[0])
    else:
        prop["anyOf"] = kept
    if prop.get("default", ...) is None:
        del prop["default"]


class InputModel(BaseModel):
    """Base of every request schema. Unknown fields are refused; so are ``null`` where it
    means nothing (see ``Nullable``), NUL characters, and the coercions of pydantic's lax
    mode: booleans for numbers, numbers for booleans or dates (``_strict``)."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __get_pydantic_json_schema__(  # pylint: disable=arguments-differ  # pydantic's hook
        cls, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Optional fields where ``null`` means nothing: the schema offers no ``null``."""
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        properties = target.get("properties", {})
        for name, field in cls.model_fields.items():
            prop = properties.get(field.alias or name)
            if prop is not None and _omittable(field):
                _strip_null(prop)
        return schema

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Pydantic's schema, computed once per class for the no-argument call.

        flask-openapi3 calls ``query.model_json_schema()`` on every request with a query
        string, only to read which fields are arrays: regenerating it cost ~2 ms a request.
        Calls with arguments (the OpenAPI document) are not cached. The cached schema is
        read-only all the way down (mappings and tuples), so a caller that tried to edit it
        would fail instead of spoiling it; copying it instead cost ~0.3 ms a request.
        """
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        cached: dict[str, Any] | None = cls.__dict__.get("_nexus_json_schema")
        if cached is None:
            cached = cast(dict[str, Any], _frozen(super().model_json_schema()))
            # A class attribute pydantic does not see (set after the class was built).
            setattr(cls, "_nexus_json_schema", cached)
        return cached

    @field_validator("*", mode="before")
    @classmethod
    def _strict_input(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is None:
            return value
        kinds, omittable = _field_rules(cls, info.field_name)
        if value is None and omittable:
            raise ValueError(_("may be left out but not null"))
        return _strict(kinds, value)


def _frozen(value: Any) -> Any:
    """A read-only deep copy of a JSON document: mappings become proxies, lists tuples."""
    if isinstance(value, dict):
        return types.MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


@lru_cache(maxsize=None)
def _field_rules(model: type[BaseModel], field_name: str) -> tuple[frozenset[Any], bool]:
    """Once per model field (the validator runs on every field of every request)."""
    field = model.model_fields[field_name]
    return _kinds(field.annotation), _omittable(field)


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

    @classmethod
    def of(cls, items: Iterable[T], query: PageQuery, total: int) -> Self:
        """The page ``query`` asked for: its items, and how many there are in all."""
        return cls(items=list(items), page=query.page, page_size=query.page_size, total=total)


class Message(BaseModel):
    message: str = Field(examples=["Done."])


def examples(first: Any, *more: Any) -> dict[str, Any]:
    """``json_schema_extra`` for a model: JSON Schema ``examples`` plus the OpenAPI ``example``.

    flask-openapi3 keeps only ``example`` on component schemas, so both are given.
    """
    return {"examples": [first, *more], "example": first}
