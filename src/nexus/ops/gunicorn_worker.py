"""gunicorn's threaded worker, taking a new connection only when it is the right one to take it.

gunicorn's ``gthread`` worker accepts every connection it is woken for, and keeps each
keep-alive connection to the end. The worker processes share one listening socket, and
whichever wakes first takes the connection (docs/performance.md, "Connections over the
workers"): measured on 2 workers, ``wrk -c 32`` left all 32 connections on one worker in two
runs of eight (1,195 req/s instead of ~3,000 for a cached read: one core idled), and 20
clients connecting one after the other were split 7/13, 8/12, 7/13 — so one worker carried half
as much again as the other for the whole of a load test.

A worker here listens only while

- one of its threads is free (a connection that arrives while it is saturated waits in the
  kernel's queue for a worker that can serve it), and
- no sibling that can accept holds fewer connections than it does.

Each worker publishes its connection count while it listens (else "not listening", which
holds nobody back) in a small array shared with its siblings, one slot per live worker, given
by the master before the fork (:func:`assign_slot`) and emptied when the worker exits
(:func:`release_slot`). With no slot (more workers than slots during a reload) a worker only
applies the first rule. A worker left aside looks again every RECHECK_SECONDS (gunicorn's loop
otherwise sleeps up to a second when idle). On a graceful stop it first takes what the queue
still holds, and serves it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
from concurrent.futures import Future
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

ABSENT = -1  # no live worker in the slot
SATURATED = 1 << 30  # a worker not listening (threads all busy, or left aside): no one waits
RECHECK_SECONDS = 0.05


class ConnectionBoard:
    """Each live worker's open connections, in memory shared by the master and the workers."""

    def __init__(self, slots: int) -> None:
        self.counts = multiprocessing.RawArray(ctypes.c_int, [ABSENT] * slots)

    def free_slot(self, used: set[int]) -> int | None:
        return next((slot for slot in range(len(self.counts)) if slot not in used), None)

    def publish(self, slot: int, value: int) -> None:
        self.counts[slot] = value

    def fewest_elsewhere(self, slot: int) -> int:
        """The fewest connections a sibling able to accept holds (SATURATED if none)."""
        others = [c for i, c in enumerate(self.counts) if i != slot and c != ABSENT]
        return min(others, default=SATURATED)


_board: ConnectionBoard | None = None  # pylint: disable=invalid-name  # set by assign_slot
SLOT_ATTRIBUTE = "nexus_board_slot"


def assign_slot(server: Any, worker: Any) -> None:
    """gunicorn's ``pre_fork`` (in the master): a slot for the worker about to be forked."""
    global _board  # pylint: disable=global-statement  # one board per master, made once
    if _board is None:
        # A reload starts the new workers before the old ones leave: room for both.
        _board = ConnectionBoard(max(2 * int(server.num_workers), 2))
    used = {getattr(w, SLOT_ATTRIBUTE, None) for w in server.WORKERS.values()}
    slot = _board.free_slot({s for s in used if s is not None})
    setattr(worker, SLOT_ATTRIBUTE, slot)
    if slot is not None:
        _board.publish(slot, 0)


def release_slot(worker: Any) -> None:
    """gunicorn's ``child_exit`` (in the master): the worker's slot is free again."""
    slot = getattr(worker, SLOT_ATTRIBUTE, None)
    if _board is not None and slot is not None:
        _board.publish(slot, ABSENT)


class BalancedThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn is untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # requests handed to the thread pool and not finished yet

    def _has_free_thread(self) -> bool:
        return bool(self.in_flight < self.cfg.threads)

    def _slot(self) -> int | None:
        slot: int | None = getattr(self, SLOT_ATTRIBUTE, None)
        return slot if _board is not None else None

    def _publish(self) -> None:
        """What the siblings see: our connections while we listen; else nothing to wait for."""
        slot = self._slot()
        if _board is not None and slot is not None:
            _board.publish(slot, self.nr_conns if self._accepting else SATURATED)

    def _should_accept(self) -> bool:
        if not self._has_free_thread():
            return False
        slot = self._slot()
        if _board is None or slot is None:
            return True
        return bool(self.nr_conns <= _board.fewest_elsewhere(slot))

    def set_accept_enabled(self, enabled: bool) -> None:
        # run() asks on each loop to listen when below worker_connections: only when ours to take.
        if not enabled and not self.alive:
            self._take_the_queue()
        super().set_accept_enabled(enabled and self._should_accept())
        self._publish()

    def _take_the_queue(self) -> None:
        """On a graceful stop, the connections still in the kernel's queue (those a saturated
        worker left there) are taken and served before the worker exits, as gthread would have
        served them had it accepted them: closing the socket would reset them."""
        for listener in self.sockets:
            listener.setblocking(False)
            while self.nr_conns < self.worker_connections:
                before = self.nr_conns
                self.accept(listener)  # EAGAIN (nothing queued) leaves nr_conns as it was
                if self.nr_conns == before:
                    break

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # Left aside for a sibling with fewer connections: look again soon, not in a second.
        if not self._accepting and self._has_free_thread():
            timeout = min(timeout, RECHECK_SECONDS)
        super().wait_for_and_dispatch_events(timeout)

    def enqueue_req(self, conn: TConn) -> None:
        # Called on the main thread only (accept, a readable keep-alive or pending connection).
        self.in_flight += 1
        if not self._should_accept():
            super().set_accept_enabled(False)
        self._publish()
        super().enqueue_req(conn)

    def finish_request(self, conn: TConn, fs: Future[Any]) -> None:
        # Called on the main thread (the method queue); run() listens again on its next loop.
        self.in_flight -= 1
        super().finish_request(conn, fs)
        self._publish()

    def murder_keepalived(self, force: bool = False) -> None:
        super().murder_keepalived(force)
        self._publish()
