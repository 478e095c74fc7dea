"""gunicorn's threaded worker, accepting a new connection only while one of its threads is free.

gunicorn's ``gthread`` worker accepts every connection it is woken for, busy or not, and keeps
each keep-alive connection to the end. The worker processes share one listening socket, and
whichever wakes first takes the connections that arrive together: measured with ``wrk -c 32``
on 2 workers (docs/performance.md, "Connections spread over the workers"), one run in three
left all 32 connections on one worker, which then served them on one core while the other
core idled — 1,195 req/s instead of ~3,000 for a cached read.

This worker stops listening while all its threads are in a request and listens again as soon as
one finishes, so a connection that arrives meanwhile waits in the kernel's queue for whichever
worker has a thread free — the sibling process, when this one is saturated. Connections it
already holds are served as before (their requests queue for its threads).
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker


class BalancedThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn is untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # requests handed to the thread pool and not finished yet

    def _has_free_thread(self) -> bool:
        return bool(self.in_flight < self.cfg.threads)

    def set_accept_enabled(self, enabled: bool) -> None:
        # run() asks on each loop to listen when below worker_connections: not while saturated.
        super().set_accept_enabled(enabled and self._has_free_thread())

    def enqueue_req(self, conn: TConn) -> None:
        # Called on the main thread only (accept, a readable keep-alive or pending connection).
        self.in_flight += 1
        if not self._has_free_thread():
            super().set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn: TConn, fs: Future[Any]) -> None:
        # Called on the main thread (the method queue); run() listens again on its next loop.
        self.in_flight -= 1
        super().finish_request(conn, fs)
