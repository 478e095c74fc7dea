"""Read a Server-Sent Events response from the Flask test client, event by event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from werkzeug.test import TestResponse


def events(response: TestResponse) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event, data) pairs, parsed as the body's chunks arrive (``buffered=False``)."""
    buffer = ""
    for chunk in response.response:
        buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.splitlines())
            yield fields["event"], json.loads(fields["data"])
