"""HTTP hygiene: request bodies (size, depth, syntax), security headers, CORS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from flask_cors import CORS
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from nexus.config import Settings
from nexus.errors import ApiError
from nexus.language import _
from nexus.ops.json_body import BoundedJSONProvider, JsonTooDeep

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


def _too_deep(exc: BaseException) -> JsonTooDeep | None:
    """The JsonTooDeep behind Flask's BadRequest (re-raised twice on the way up)."""
    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, JsonTooDeep):
        seen = seen.__cause__ or seen.__context__
    return seen


def _reject_malformed_json() -> None:
    """Parse every JSON body once, before authentication, and refuse what cannot be used.

    Whatever the method: flask-openapi3 validates a body on any route that declares one, and
    the parse is cached, so every later ``get_json`` sees this result. Reading the body
    enforces MAX_CONTENT_LENGTH (413); the provider enforces the depth limit (422).
    """
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(body) >= limit:
        # A chunked body is cut at the limit without an error (Werkzeug reads no further):
        # one that reaches it is refused rather than parsed truncated.
        raise RequestEntityTooLarge()
    if not body:
        return
    try:
        request.get_json()
    except BadRequest as exc:
        too_deep = _too_deep(exc)
        if too_deep is not None:
            raise ApiError(
                _("The request body nests deeper than %(limit)s levels.", limit=too_deep.limit),
                status=422,
                code="json_too_deep",
                field="body",
            ) from exc
        raise ApiError(
            _("The request body is not valid JSON."), code="malformed_json", field="body"
        ) from exc


def _security_headers(response: Response) -> Response:
    """Add the headers a view did not set itself (one pass over the response's headers)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    path = request.path
    wanted = list(SECURITY_HEADERS.items())
    wanted.append(
        ("Content-Security-Policy", DOCS_CSP if path.startswith(("/docs", "/openapi")) else API_CSP)
    )
    if path.startswith("/api/"):
        wanted.append(("Cache-Control", "no-store"))
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


class NoCookieSession(SessionInterface):
    """The API keeps no cookie session (bearer tokens only): Flask's default would still build
    a signing serializer and look for a cookie on every request."""

    # pylint: disable-next=arguments-renamed  # Flask passes them by position
    def open_session(self, app: Flask, _request: Request) -> SessionMixin | None:
        return None  # Flask then uses its NullSession, which refuses to be written to

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def init_app(app: Flask, settings: Settings) -> None:
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    app.session_interface = NoCookieSession()
    app.json = BoundedJSONProvider(app)
    app.before_request(_reject_malformed_json)
    app.after_request(_security_headers)
    CORS(
        app,
        origins=settings.cors_origins,
        supports_credentials=False,
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
        # CORS headers answer a request's Origin only: by default Flask-CORS also put the
        # allowed origins on every response without one, which no browser reads.
        always_send=False,
    )
    _cors_for_origins_only(app)


def _cors_for_origins_only(app: Flask) -> None:
    """Flask-CORS's after_request adds nothing to a response whose request sent no ``Origin``
    (``always_send=False``), but still matched the path against its resources first (~6 % of a
    ``/health`` request): it now runs only for requests with an ``Origin``."""
    hooks = app.after_request_funcs.setdefault(None, [])
    for index, hook in enumerate(hooks):
        if getattr(hook, "__name__", "") == "cors_after_request":
            hooks[index] = _with_origin_only(hook)
            return
    raise RuntimeError("Flask-CORS registered no after_request hook")


def _with_origin_only(hook: Callable[..., Any]) -> Callable[[Response], Response]:
    def cors_after_request(response: Response) -> Response:
        if "Origin" not in request.headers:
            return response
        return hook(response)  # type: ignore[no-any-return]

    return cors_after_request
