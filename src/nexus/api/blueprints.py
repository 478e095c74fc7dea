"""Every API blueprint is built here, so operation ids and tags follow one rule."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import BaseModel

from nexus.api.openapi import operation_id
from nexus.errors import ErrorResponse

# Any operation can meet these: malformed JSON, an oversized body, an outage.
COMMON_ERRORS: dict[str | int | HTTPStatus, type[BaseModel] | dict[Any, Any] | None] = {
    400: ErrorResponse,
    413: ErrorResponse,
    500: ErrorResponse,
    503: ErrorResponse,
}


def api_blueprint(
    name: str, import_name: str, *, url_prefix: str = "", description: str = ""
) -> APIBlueprint:
    return APIBlueprint(
        name,
        import_name,
        url_prefix=url_prefix,
        abp_tags=[Tag(name=name, description=description)],
        operation_id_callback=operation_id,
        abp_responses=COMMON_ERRORS,
    )
