"""Turn pydantic models into Flask responses, and the error responses each route documents."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from pydantic import BaseModel

from nexus.errors import ErrorResponse


def json_response(
    model: BaseModel, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def errors(*statuses: int) -> dict[int | str, Any]:
    """The documented error responses of a route (all share ``ErrorResponse``)."""
    return {status: ErrorResponse for status in statuses}
