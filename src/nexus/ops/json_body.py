"""The one JSON-body reader: every ``request.get_json`` (ours, flask-openapi3's, the rate
limiter's) parses through :class:`BoundedJSONProvider`.

Size is bounded before parsing: Werkzeug refuses a body over ``MAX_CONTENT_LENGTH`` with 413
(the declared length or, for a chunked body, as soon as the stream passes it). Depth is bounded
here: the standard library's parser recurses once per nesting level, and a body of a few
thousand ``[`` raised ``RecursionError`` (a 500) before authentication. pydantic-core's parser
has a depth guard but a fixed one (200) and different edge cases (lone surrogates), so the
depth is measured without recursion, with C-level byte operations, before ``json.loads`` sees
the text. ``MAX_JSON_DEPTH`` leaves ample room: our deepest request schema nests four levels.
"""

from __future__ import annotations

import json
from itertools import accumulate
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_JSON_DEPTH = 64

_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
# Openers become +1 and closers -1 once the bytes are read as signed chars.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_CHUNK = 4096


class JsonTooDeep(ValueError):
    """Nested deeper than the limit (a ValueError: ``get_json(silent=True)`` answers None)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit


def exceeds_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON document (UTF-8) nests deeper than ``limit``; linear and iterative.

    Unclosed brackets count (the parser recurses into them before it finds the end), brackets
    inside strings do not. Up to the first syntax error this is exactly the depth the parser
    would reach; past it, it can only over-count: an invalid document may be called too deep
    instead of malformed, a 4xx either way.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # the common case: one C pass per bracket kind
    # Outside strings there are no backslashes and no quotes, so: drop the escapes, and the
    # quotes then alternate between opening and closing a string.
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[0::2])
    steps = memoryview(outside.translate(_STEPS, _NOT_BRACKETS)).cast("b")
    level = 0
    for start in range(0, len(steps), _CHUNK):
        levels = list(accumulate(steps[start : start + _CHUNK], initial=level))
        if max(levels) > limit:
            return True
        level = levels[-1]
    return False


def loads(data: str | bytes | bytearray, **kwargs: Any) -> Any:
    """``json.loads`` refusing documents nested deeper than ``MAX_JSON_DEPTH`` (JsonTooDeep)."""
    if isinstance(data, str):
        text: str | bytes = data
        utf8 = data.encode("utf-8", "surrogatepass")
    else:
        encoding = json.detect_encoding(data)
        text = bytes(data)
        utf8 = text if encoding == "utf-8" else text.decode(encoding).encode("utf-8")
    if exceeds_depth(utf8):
        raise JsonTooDeep(MAX_JSON_DEPTH)
    return json.loads(text, **kwargs)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider reading through :func:`loads`; French text stays readable."""

    sort_keys = False
    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)
