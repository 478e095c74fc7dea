"""Structured JSON logs, one access line per request, secrets scrubbed."""

from __future__ import annotations

import logging
import random
import re
import sys
import time
from functools import lru_cache
from typing import Any

from flask import Flask, Response, g, request
from pythonjsonlogger.json import JsonFormatter

from nexus.config import Settings
from nexus.ops.log_buffer import BatchingStreamHandler

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SENSITIVE = re.compile(r"(password|token|secret|authorization|api[_-]?key|cookie)", re.I)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.I)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
REDACTED = "[redacted]"
# What every LogRecord carries: only the other attributes (a call's ``extra``) are looked at.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}


@lru_cache(maxsize=1024)
def _sensitive_name(name: str) -> bool:
    return _SENSITIVE.search(name) is not None


# What either pattern needs to match: one scan tells most strings (a path, a method) apart.
_MAY_HOLD_SECRET = re.compile(r"eyJ|bearer", re.I)


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        if _MAY_HOLD_SECRET.search(value) is None:
            return value
        return _JWT.sub(REDACTED, _BEARER.sub(r"\1" + REDACTED, value))
    if isinstance(value, dict):
        return {k: REDACTED if _sensitive_name(str(k)) else scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


class ContextFilter(logging.Filter):
    """Adds the request id and scrubs secrets from every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id")
        except RuntimeError:  # outside a request or app context
            record.request_id = None
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if record.args:
            record.args = (
                tuple(scrub(a) for a in record.args)
                if isinstance(record.args, tuple)
                else record.args
            )
        fields = record.__dict__
        for attr in fields.keys() - _STANDARD_ATTRIBUTES:
            value = fields[attr]
            if _sensitive_name(attr):
                setattr(record, attr, REDACTED)
            elif isinstance(value, (dict, list, str)):
                setattr(record, attr, scrub(value))
        return True


def configure_logging(settings: Settings) -> None:
    handler = BatchingStreamHandler(sys.stdout, settings.log_flush_seconds)
    if settings.log_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"levelname": "level", "asctime": "time", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_nexus", False):
            existing.flush()
            root.removeHandler(existing)
    setattr(handler, "_nexus", True)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


ACCESS_LOG = logging.getLogger("nexus.access")


def _new_request_id() -> str:
    # An identifier to correlate log lines, not a secret: no system call for randomness.
    return f"{random.getrandbits(128):032x}"  # nosec B311


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _REQUEST_ID_RE.match(incoming) else _new_request_id()
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    if not ACCESS_LOG.isEnabledFor(logging.INFO):
        return response
    principal = g.get("principal")
    current = request
    method, path, status = current.method, current.path, response.status_code
    ACCESS_LOG.info(
        "%s %s %s",
        method,
        path,
        status,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "user_id": principal.user_id if principal else None,
            "remote_addr": current.remote_addr,
        },
    )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start_request)
    app.after_request(_finish_request)
