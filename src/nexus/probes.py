"""Liveness, readiness and metrics endpoints."""

from __future__ import annotations

import time
from typing import Literal

from flask import Response, current_app
from pydantic import BaseModel, Field
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from nexus import redis_ext
from nexus.accounts.permissions import public
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.db import Database
from nexus.errors import FieldError, error_response
from nexus.ops.metrics import metrics_response

bp = api_blueprint("ops", __name__, description="Probes and metrics")


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str = Field(examples=["0.1.0"])


class Check(BaseModel):
    ok: bool
    latency_ms: float | None = Field(default=None, examples=[0.8])
    detail: str | None = Field(default=None, examples=["ConnectionError"])


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    checks: dict[str, Check] = Field(
        examples=[
            {"database": {"ok": True, "latency_ms": 0.7}, "redis": {"ok": True, "latency_ms": 0.2}}
        ]
    )


def _timed(probe: str) -> Check:
    started = time.perf_counter()
    try:
        if probe == "database":
            with Database.engine_for(current_app).connect() as conn:
                conn.execute(text("SELECT 1"))
        else:
            client = redis_ext.get_redis()
            assert client is not None  # nosec B101 - only called when configured
            client.ping()
    except (SQLAlchemyError, RedisError, OSError) as exc:
        return Check(ok=False, detail=type(exc).__name__)
    return Check(ok=True, latency_ms=round((time.perf_counter() - started) * 1000, 2))


@bp.get("/health", responses={200: Health})
@public
def health() -> Response:
    """Liveness: the process answers. Touches no dependency."""
    return json_response(Health(version=current_app.extensions["settings"].build_version))


@bp.get("/ready", responses={200: Readiness, **errors(503)})
@public
def ready() -> Response:
    """Readiness: a real round-trip to the database, and to Redis when configured."""
    checks = {"database": _timed("database")}
    if redis_ext.get_redis() is not None:
        checks["redis"] = _timed("redis")
    failed = [name for name, check in checks.items() if not check.ok]
    if failed:
        return error_response(
            503,
            "not_ready",
            f"Not ready: {', '.join(failed)} unreachable.",
            [
                FieldError(
                    field=n, message=checks[n].detail or "unreachable", type="dependency_down"
                )
                for n in failed
            ],
            headers={"Retry-After": "5"},
        )
    return json_response(Readiness(checks=checks))


@bp.get("/metrics", responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
@public
def metrics() -> Response:
    """Prometheus metrics in the text exposition format."""
    return metrics_response()
