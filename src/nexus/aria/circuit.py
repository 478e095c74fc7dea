"""A circuit breaker, so that a dead provider is not called (and waited for) on every request.

Closed: calls go through; ``threshold`` consecutive failures open it. Open: calls are refused
at once for ``reset_seconds``. Then half-open: one trial call goes through; its success closes
the circuit, its failure opens it again. State lives in the worker process (each gunicorn
worker learns on its own, after at most ``threshold`` failed calls).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        threshold: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_started_at: float | None = None

    @property
    def state(self) -> CircuitState:
        with self._lock:
            return self._state()

    def _state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._clock() - self._opened_at >= self.reset_seconds:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def allow_request(self) -> bool:
        """Whether a call may go to the provider now (half-open: one trial at a time)."""
        with self._lock:
            state = self._state()
            if state is CircuitState.CLOSED:
                return True
            now = self._clock()
            trial = self._trial_started_at
            # A trial whose caller vanished without reporting is given up after reset_seconds.
            if state is CircuitState.HALF_OPEN and (
                trial is None or now - trial >= self.reset_seconds
            ):
                self._trial_started_at = now
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_started_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_started_at is not None or self._failures >= self.threshold:
                self._opened_at = self._clock()
            self._trial_started_at = None
