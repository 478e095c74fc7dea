"""Turn pydantic models into Flask responses, and the error responses each route documents."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from pydantic import BaseModel

from nexus.errors import ErrorResponse


def json_response(
    model: BaseModel, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    # pydantic-core writes the JSON itself: dumping to Python objects first and then having
    # Flask's json module encode them took twice as long on the larger pages.
    response: Response = current_app.response_class(
        model.model_dump_json(), status=status, mimetype="application/json"
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def raw_json_response(text: str, status: int = 200) -> Response:
    """A response from JSON already serialized (by a model, possibly cached)."""
    response: Response = current_app.response_class(
        text, status=status, mimetype="application/json"
    )
    return response


def errors(*statuses: int) -> dict[int | str, type[BaseModel] | dict[Any, Any] | None]:
    """The documented error responses of a route (all share ``ErrorResponse``)."""
    return {status: ErrorResponse for status in statuses}
