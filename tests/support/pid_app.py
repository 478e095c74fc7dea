"""A WSGI app that says which process served it, after an optional pause (``?sleep=S``): for
tests of how gunicorn spreads connections over its workers."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs


def app(environ: dict[str, object], start_response: Callable[..., object]) -> Iterable[bytes]:
    query = parse_qs(str(environ.get("QUERY_STRING", "")))
    time.sleep(min(float(query.get("sleep", ["0"])[0]), 10.0))
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
