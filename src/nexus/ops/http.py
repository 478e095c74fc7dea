"""HTTP hygiene: malformed JSON, security headers, CORS."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_cors import CORS
from werkzeug.exceptions import BadRequest

from nexus.config import Settings
from nexus.errors import ApiError

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI is served from our own origin; it needs inline styles and its own scripts.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)


def _reject_malformed_json() -> None:
    if (
        request.method in ("POST", "PUT", "PATCH")
        and request.is_json
        and request.get_data(cache=True)
    ):
        try:
            request.get_json()
        except BadRequest as exc:
            raise ApiError(
                "The request body is not valid JSON.", code="malformed_json", field="body"
            ) from exc


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    is_docs = request.path.startswith(("/docs", "/openapi"))
    response.headers.setdefault("Content-Security-Policy", DOCS_CSP if is_docs else API_CSP)
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask, settings: Settings) -> None:
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    app.before_request(_reject_malformed_json)
    app.after_request(_security_headers)
    CORS(
        app,
        origins=settings.cors_origins,
        supports_credentials=False,
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
