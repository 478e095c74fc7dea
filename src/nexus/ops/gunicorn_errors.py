"""gunicorn's own error answers (request line or headers too long, malformed HTTP) in the API's
JSON error shape, with the same security headers as every other response.

gunicorn answers these before the app sees the request, with a fixed HTML page written by
``gunicorn.util.write_error``; it offers no hook for them, so that one function is replaced
(``install()``, called by ``nexus.ops.gunicorn_conf`` in the master, inherited by workers).
The status codes stay gunicorn's (400, 414, 431…).
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util

from nexus.ops.http import API_CSP, SECURITY_HEADERS

CODES = {
    400: "bad_request",
    403: "forbidden",
    414: "request_line_too_long",
    417: "expectation_failed",
    431: "request_headers_too_large",
    501: "not_implemented",
}


def body(status: int, reason: str) -> bytes:
    error = {
        "status": status,
        "code": CODES.get(status, "http_error"),
        # gunicorn's detail quotes the raw request (possibly kilobytes of it): only the reason.
        "message": f"{reason}.",
        "fields": [],
        "request_id": None,
    }
    return json.dumps({"error": error}).encode()


def write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for ``gunicorn.util.write_error``."""
    del mesg
    payload = body(status_int, reason)
    headers = {
        **SECURITY_HEADERS,
        "Content-Security-Policy": API_CSP,
        "Cache-Control": "no-store",
        "Connection": "close",
        "Content-Type": "application/json",
        "Content-Length": str(len(payload)),
    }
    head = f"HTTP/1.1 {status_int} {reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    util.write_nonblock(sock, head.encode("latin-1") + b"\r\n" + payload)


def install() -> None:
    util.write_error = write_error
