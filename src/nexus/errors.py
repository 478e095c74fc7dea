"""One JSON error shape for every 4xx and 5xx the service answers."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from nexus.language import _, language
from nexus.language.validation import message as validation_message

logger = logging.getLogger("nexus.errors")


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field", examples=["email"])
    message: str = Field(examples=["Adresse e-mail invalide"])
    type: str = Field(examples=["value_error"])


class ErrorBody(BaseModel):
    status: int = Field(examples=[422])
    code: str = Field(description="Stable machine-readable reason", examples=["validation_error"])
    message: str = Field(
        description="For people, in French (default) or English (`Accept-Language: en`)",
        examples=["La requête est invalide : email : adresse e-mail invalide"],
    )
    fields: list[FieldError] = Field(default_factory=list)
    request_id: str | None = Field(default=None, examples=["0f5b2c3e9d1a4b7c"])


class ErrorResponse(BaseModel):
    """Every error the API answers, whatever its status."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "status": 404,
                        "code": "not_found",
                        "message": "Élève introuvable.",
                        "fields": [],
                        "request_id": "0f5b2c3e9d1a4b7c",
                    }
                }
            ]
        }
    )

    error: ErrorBody


class ApiError(Exception):
    """Raised by services and views; turned into the JSON error shape."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.fields = [FieldError(field=field, message=message, type=self.code)] if field else []
        self.headers = headers or {}


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="nexus"'})
        super().__init__(message or _("Authentication required."), **kwargs)


class Unprocessable(ApiError):
    status = 422
    code = "validation_error"


def error_response(
    status: int,
    code: str,
    message: str,
    fields: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = ErrorResponse(
        error=ErrorBody(
            status=status,
            code=code,
            message=message,
            fields=fields or [],
            request_id=g.get("request_id"),
        )
    )
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = status
    # The message is in the negotiated language: say which, and that it depends on the header.
    response.headers["Content-Language"] = language()
    response.vary.add("Accept-Language")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def validation_error_response(exc: ValidationError) -> Response:
    """flask-openapi3's validation callback: name every offending field."""
    fields = [
        FieldError(field=_location(err["loc"]), message=validation_message(err), type=err["type"])
        for err in exc.errors(include_url=False, include_input=False)
    ]
    # The separator is translated too: French puts a space before ";" and ":".
    separator = _("; ")
    summary = separator.join(
        _("%(field)s: %(detail)s", field=f.field, detail=f.message) for f in fields[:5]
    )
    if exc.title and not fields:
        summary = exc.title
    return error_response(
        422, "validation_error", _("The request is invalid: %(summary)s", summary=summary), fields
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def _http_message(status: int) -> str:
    """What a framework-level refusal (no route, wrong method...) says, in the reader's language."""
    messages = {
        400: _("The request is malformed."),
        401: _("Authentication required."),
        403: _("You are not allowed to do this."),
        404: _("Nothing exists at this address."),
        405: _("This method is not allowed at this address."),
        406: _("The requested response format is not available."),
        409: _("The change conflicts with the current data."),
        415: _("The request body must be JSON (Content-Type: application/json)."),
        429: _("Too many requests; retry later."),
    }
    return messages.get(status, _("The request cannot be served."))


def api_error_response(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)


def _handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "http_error")
    message = _http_message(status)
    if isinstance(exc, RequestEntityTooLarge):
        limit = request.max_content_length
        message = _("The request body is larger than the %(limit)s bytes allowed.", limit=limit)
    headers = {}
    retry_after = exc.get_response().headers.get("Retry-After")
    if retry_after:
        headers["Retry-After"] = retry_after
    if status == 405 and exc.get_response().headers.get("Allow"):
        headers["Allow"] = exc.get_response().headers["Allow"]
    return error_response(status, code, str(message), headers=headers)


# A row another request deleted between our read and our write: the UPDATE matched nothing
# (StaleDataError) or a reload found nothing (ObjectDeletedError). The request is rolled back.
CONCURRENTLY_DELETED = (StaleDataError, ObjectDeletedError)


def concurrently_deleted_response() -> Response:
    return error_response(
        404, "not_found", _("This resource was deleted by another request; nothing was saved.")
    )


def conflict_response() -> Response:
    return error_response(409, "conflict", _("The change conflicts with the current data."))


def _handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _handle_http_exception(exc)
    if isinstance(exc, CONCURRENTLY_DELETED):
        return concurrently_deleted_response()
    if isinstance(exc, IntegrityError):
        # A constraint another request's commit made true since we checked (a row we point
        # to was deleted, a unique value was taken): the services check first, so only a race.
        return conflict_response()
    if isinstance(exc, (DataError, OverflowError)):
        # A value the database cannot hold (an id beyond 32 bits, say): the client's input.
        return error_response(422, "value_out_of_range", _("A value is out of the accepted range."))
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeoutError)):
        logger.warning("database unavailable", extra={"error_type": type(exc).__name__})
        return error_response(
            503,
            "database_unavailable",
            _("The database is temporarily unavailable; retry shortly."),
            headers={"Retry-After": "5"},
        )
    logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
    return error_response(500, "internal_error", _("An unexpected error occurred; it was logged."))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, api_error_response)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
