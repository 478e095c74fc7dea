"""Nexus Réussite backend: the application factory."""

from __future__ import annotations

from functools import partial

from flask import Flask
from sqlalchemy.engine import Connection
from werkzeug.middleware.proxy_fix import ProxyFix

from nexus import cache, language, redis_ext
from nexus.accounts import passwords, permissions, revocation
from nexus.api import openapi
from nexus.config import Settings, load_settings
from nexus.db import db
from nexus.errors import register_error_handlers, validation_error_response
from nexus.ops import http, logging
from nexus.ratelimit import init_app as init_limiter

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, *, bind: Connection | None = None) -> Flask:
    """Build the WSGI app. ``settings`` defaults to the environment; tests pass their own."""
    settings = settings if settings is not None else load_settings()
    app = openapi.build_app(__name__, settings.build_version)
    app.validation_error_callback = validation_error_response
    app.extensions["settings"] = settings
    app.config["SECRET_KEY"] = settings.secret_key.get_secret_value()

    # Imported here, not at the top: importing prometheus_client fixes its mode (one process,
    # or PROMETHEUS_MULTIPROC_DIR's files), and gunicorn's master imports this package on its
    # way to nexus.ops.gunicorn_conf, which sets that directory first (it checks the order).
    from nexus.ops import metrics  # pylint: disable=import-outside-toplevel

    logging.configure_logging(settings)
    # after_request hooks run in reverse order: these observe the final response.
    logging.init_app(app)
    metrics.init_app(app, settings)
    http.init_app(app, settings)
    language.init_app(app)
    db.init_app(app, settings, bind=bind)
    redis_ext.init_app(app, settings)
    cache.init_app(app, settings, _cache_watches())
    passwords.init_app(app, settings)
    revocation.init_app(app, settings)
    init_limiter(app, settings)
    permissions.init_app(app)
    register_error_handlers(app)
    _register_blueprints(app)
    openapi.install(
        app, public=permissions.public, allowed=partial(permissions.allowed_callers, app)
    )
    _register_cli(app)
    _trust_proxies(app, settings.trusted_proxy_hops)
    return app


def _trust_proxies(app: Flask, hops: int) -> None:
    """Take the client address (and scheme) from the last ``hops`` X-Forwarded-* entries.

    Behind ingress-nginx (1 hop) ``REMOTE_ADDR`` is the controller's pod: the rate limits and
    the access log need the client's. Each trusted proxy appends what it saw, so only the last
    ``hops`` entries are believed; anything a client wrote before them is ignored, and with 0
    hops (the default) the headers are not read at all.
    """
    if hops:
        proxied = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]


def _cache_watches() -> tuple[cache.Watches, ...]:
    from nexus.routes import cache_watches

    return cache_watches()


def _register_blueprints(app: Flask) -> None:
    from nexus.offers import pricing
    from nexus.people import access, slots
    from nexus.routes import (
        blueprints,
        connect_subscribers,
        offer_pricer,
        teacher_schedule,
        teaching_relations,
    )

    connect_subscribers()
    access.teach_through(*teaching_relations())
    slots.busy_through(*teacher_schedule())
    pricing.price_with(offer_pricer())
    for blueprint in blueprints():
        app.register_api(blueprint)  # type: ignore[attr-defined]


def _register_cli(app: Flask) -> None:
    from nexus.cli.commands import register

    register(app)
