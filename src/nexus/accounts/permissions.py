"""The one permission layer: every route declares who may call it; the rest is refused.

``@public`` or ``@allow(Role.PARENT, ...)`` (``@allow()`` = any signed-in user) mark a view.
A ``before_request`` hook authenticates the bearer token, checks the role and exposes the
caller as ``current_principal()``. A route without a declaration is refused (deny by default),
and a test walks the URL map to prove every route has one. Object-level checks (a parent sees
only their children) live in the services, which receive the ``Principal``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import Session

from nexus.accounts import revocation
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal, decode_access
from nexus.db import db
from nexus.errors import Forbidden, Unauthorized, api_error_response
from nexus.language import _

F = TypeVar("F", bound=Callable[..., object])
ACCESS_ATTRIBUTE = "__nexus_access__"
# Framework endpoints: the OpenAPI document, Swagger UI and its static assets.
FRAMEWORK_BLUEPRINTS = frozenset({"openapi", "swagger", "static"})


@dataclass(frozen=True)
class Access:
    public: bool
    roles: frozenset[Role]
    # The view reads the response cache first: the revocation check rides on that round trip.
    cached_read: bool = False

    def describe(self) -> str:
        if self.public:
            return "public"
        return ", ".join(sorted(r.value for r in self.roles)) or "any signed-in user"


def public(view: F) -> F:
    setattr(view, ACCESS_ATTRIBUTE, Access(public=True, roles=frozenset()))
    return view


def allow(*roles: Role, cached_read: bool = False) -> Callable[[F], F]:
    """Signed-in callers with one of ``roles`` (any role if none). ``cached_read``: the view
    starts with a read of the response cache, which then checks revocation in the same round
    trip (``nexus.accounts.revocation``)."""

    def mark(view: F) -> F:
        access = Access(public=False, roles=frozenset(roles), cached_read=cached_read)
        setattr(view, ACCESS_ATTRIBUTE, access)
        return view

    return mark


def access_of(app: Flask, endpoint: str) -> Access | None:
    view = app.view_functions.get(endpoint)
    access: Access | None = getattr(view, ACCESS_ATTRIBUTE, None)
    return access


def is_framework_endpoint(endpoint: str) -> bool:
    return endpoint.split(".", 1)[0] in FRAMEWORK_BLUEPRINTS


def allowed_callers(app: Flask, endpoint: str) -> str | None:
    """Who may call a signed-in API route, as /docs says it; None for a public route, an
    undeclared one or a framework endpoint."""
    if is_framework_endpoint(endpoint):
        return None
    access = access_of(app, endpoint)
    if access is None or access.public:
        return None
    return access.describe()


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("Send 'Authorization: Bearer <access token>'."), code="missing_token")
    return token.strip()


def enforce_access() -> None:
    endpoint = request.endpoint
    if endpoint is None or is_framework_endpoint(endpoint):
        return  # unknown URLs become a JSON 404; docs assets are public
    access = access_of(current_app, endpoint)
    if access is None:
        current_app.logger.error("route without an access policy", extra={"endpoint": endpoint})
        raise Forbidden(_("This route declares no access policy."), code="no_access_policy")
    if access.public:
        return
    principal = decode_access(_session, _bearer_token(), revocation_by_cache=access.cached_read)
    g.principal = principal
    if access.roles and principal.role not in access.roles:
        raise Forbidden(
            _("This action is reserved to these roles: %(roles)s.", roles=access.describe())
        )


def current_principal() -> Principal:
    principal: Principal | None = g.get("principal")
    if principal is None:
        raise Unauthorized()
    return principal


def _session() -> Session:
    return db.session


def _settle_revocation(response: Response) -> Response:
    """A revocation check the cache read did not make is made before the response leaves."""
    try:
        revocation.get_check().settle_now(_session)
    except Unauthorized as exc:
        return api_error_response(exc)
    return response


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)
    app.after_request(_settle_revocation)
