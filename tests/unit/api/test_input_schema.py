"""The query models' JSON Schema, computed once and read-only (``InputModel.model_json_schema``)."""

from __future__ import annotations

from typing import Literal

import pytest

from nexus.api.schemas import InputModel


class _Query(InputModel):
    subjects: list[str] = []
    q: str | None = None
    page: int = 1
    kind: Literal["lesson", "exercise"] = "lesson"


def test_the_schema_is_computed_once_and_cannot_be_edited() -> None:
    first = _Query.model_json_schema()
    assert _Query.model_json_schema() is first
    properties = first["properties"]
    assert properties["subjects"]["type"] == "array"
    assert set(properties) == {"subjects", "q", "page", "kind"}
    with pytest.raises(TypeError):
        properties["page"]["type"] = "string"  # type: ignore[index]
    assert properties["kind"]["enum"] == ("lesson", "exercise")  # lists are frozen too


def test_calls_with_arguments_get_pydantics_own_fresh_document() -> None:
    document = _Query.model_json_schema(by_alias=True)
    assert isinstance(document, dict)
    document["properties"]["page"]["type"] = "string"
    assert _Query.model_json_schema(by_alias=True)["properties"]["page"]["type"] == "integer"
