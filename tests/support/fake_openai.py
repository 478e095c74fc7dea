"""A real OpenAI-compatible HTTP server for the tests (Chat Completions and Moderations).

It listens on 127.0.0.1:<free port> in a background thread and speaks the protocol the
``openai`` SDK expects: JSON answers with ``usage``, or ``text/event-stream`` chunks
(``data: {...}\\n\\n`` … ``data: [DONE]``) when the request asks to stream. Each request takes
the next scripted :class:`Reply` (or the default one): an answer, an error status (429, 500),
a slow answer for timeouts, a stream that breaks half-way, a stream that waits on a gate so a
test can prove the chunks travel one by one. Every chat request received is recorded in
``requests``.

``POST /v1/moderations`` answers with the real response shape (``results[0]``: ``flagged``,
``categories``, ``category_scores``, ``category_applied_input_types``). It has its own script
(:meth:`FakeOpenAI.moderate`, default: nothing flagged) and its own record
(``moderation_requests``), so that the safety screen leaves the chat scripts and counts alone.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

GATE_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Reply:
    """What the server answers to one request."""

    text: str = "Voici ma réponse."
    chunks: tuple[str, ...] = ()
    status: int = 200
    error_message: str = ""
    delay: float = 0.0
    prompt_tokens: int = 42
    completion_tokens: int = 17
    with_usage: bool = True  # some compatible servers send no usage at all
    # Streams: stop after this many chunks, then send an error event or drop the connection.
    break_after: int | None = None
    break_with: str = "error_event"  # or "drop"
    # Streams: after this many chunks wait until the test sets ``server.gate``.
    gate_after: int | None = None

    @classmethod
    def answer(cls, text: str, **kwargs: Any) -> Reply:
        return cls(text=text, **kwargs)

    @classmethod
    def error(cls, status: int, message: str = "The server had an error") -> Reply:
        return cls(status=status, error_message=message)

    @classmethod
    def slow(cls, delay: float, text: str = "Réponse tardive.") -> Reply:
        return cls(text=text, delay=delay)

    def pieces(self) -> list[str]:
        if self.chunks:
            return list(self.chunks)
        words = self.text.split(" ")
        return [w if i == len(words) - 1 else w + " " for i, w in enumerate(words)]


MODERATION_CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)


@dataclass(frozen=True)
class Moderation:
    """What the server answers to one moderation request: the categories it flags, or an
    error status."""

    flagged: tuple[str, ...] = ()
    status: int = 200

    @classmethod
    def of(cls, *categories: str) -> Moderation:
        unknown = set(categories) - set(MODERATION_CATEGORIES)
        assert not unknown, unknown  # nosec B101 - a test's typo
        return cls(flagged=categories)

    @classmethod
    def error(cls, status: int) -> Moderation:
        return cls(status=status)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.body.get("messages", [])
        return messages

    def contents(self, role: str) -> list[str]:
        return [str(m.get("content", "")) for m in self.messages if m.get("role") == role]


class FakeOpenAI:
    """Start with ``with FakeOpenAI() as server:``; point ``base_url`` at ``server.base_url``."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply()
        self.requests: list[RecordedRequest] = []
        self.gate = threading.Event()
        self.gate_timeouts = 0  # a stream that waited in vain: its client was not reading
        self.stopping = threading.Event()
        self._script: deque[Reply] = deque()
        self.moderation_requests: list[RecordedRequest] = []
        self._moderations: deque[Moderation] = deque()
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def moderate(self, *replies: Moderation) -> None:
        with self._lock:
            self._moderations.extend(replies)

    def next_moderation(self, request: RecordedRequest) -> Moderation:
        with self._lock:
            self.moderation_requests.append(request)
            return self._moderations.popleft() if self._moderations else Moderation()

    def next_reply(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        self.gate.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeOpenAI


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        del format, args  # keep the test output quiet

    # http.server dispatches on this exact name.
    def do_POST(self) -> None:  # noqa: N802  # pylint: disable=invalid-name
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw or b"{}")
        request = RecordedRequest("POST", self.path, dict(self.headers.items()), body)
        if self.path.rstrip("/").endswith("/moderations"):
            self._moderation(fake.next_moderation(request), body)
            return
        fake.record(request)
        reply = fake.next_reply()
        try:
            self._answer(fake, reply, body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing left to say

    def _answer(self, fake: FakeOpenAI, reply: Reply, body: dict[str, Any]) -> None:
        if reply.delay and fake.stopping.wait(reply.delay):
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": "Unknown path", "type": "invalid_request"}})
            return
        if reply.status != 200:
            error = {"message": reply.error_message, "type": "server_error", "code": None}
            self._send_json(reply.status, {"error": error}, {"Retry-After": "0"})
            return
        if body.get("stream"):
            self._stream(fake, reply, body)
        else:
            self._send_json(200, _completion(reply, body.get("model", "fake-model")))

    def _moderation(self, reply: Moderation, body: dict[str, Any]) -> None:
        if reply.status != 200:
            error = {"message": "moderation failed", "type": "server_error", "code": None}
            self._send_json(reply.status, {"error": error}, {"Retry-After": "0"})
            return
        inputs = body.get("input")
        count = len(inputs) if isinstance(inputs, list) else 1
        result = {
            "flagged": bool(reply.flagged),
            "categories": {c: c in reply.flagged for c in MODERATION_CATEGORIES},
            "category_scores": {
                c: 0.97 if c in reply.flagged else 0.0001 for c in MODERATION_CATEGORIES
            },
            "category_applied_input_types": {c: ["text"] for c in MODERATION_CATEGORIES},
        }
        payload = {
            "id": "modr-fake",
            "model": body.get("model", "omni-moderation-latest"),
            "results": [result] * count,
        }
        self._send_json(200, payload)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _event(self, payload: Any) -> None:
        data = payload if isinstance(payload, str) else json.dumps(payload)
        self.wfile.write(f"data: {data}\n\n".encode())
        self.wfile.flush()

    def _stream(self, fake: FakeOpenAI, reply: Reply, body: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        model = body.get("model", "fake-model")
        self._event(_chunk(model, {"role": "assistant", "content": ""}))
        for index, piece in enumerate(reply.pieces()):
            if reply.gate_after is not None and index == reply.gate_after:
                if not fake.gate.wait(GATE_TIMEOUT_SECONDS):
                    fake.gate_timeouts += 1
            if reply.break_after is not None and index == reply.break_after:
                if reply.break_with == "error_event":
                    self._event({"error": {"message": "stream failed", "type": "server_error"}})
                return  # "drop": the body just ends, with no finish_reason and no [DONE]
            self._event(_chunk(model, {"content": piece}))
            time.sleep(0.005)
        self._event(_chunk(model, {}, finish_reason="stop"))
        if reply.with_usage and (body.get("stream_options") or {}).get("include_usage"):
            usage = _usage(reply)
            self._event({**_chunk(model, {}), "choices": [], "usage": usage})
        self._event("[DONE]")


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text},
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(reply) if reply.with_usage else None,
    }


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
