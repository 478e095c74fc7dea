from __future__ import annotations

from nexus.aria.circuit import CircuitBreaker, CircuitState


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_consecutive_failures() -> None:
    breaker = CircuitBreaker(3, 30, Clock())
    for _ in range(2):
        assert breaker.allow_request()
        breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow_request()


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(2, 30, Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED


def test_half_open_lets_one_trial_through_then_closes_or_reopens() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 30, clock)
    breaker.record_failure()
    clock.now += 29.9
    assert not breaker.allow_request()
    clock.now += 0.1
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.allow_request()  # the trial
    assert not breaker.allow_request()  # only one at a time
    breaker.record_failure()  # the trial failed: open again for a full period
    assert breaker.state is CircuitState.OPEN
    clock.now += 30
    assert breaker.allow_request()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED and breaker.allow_request()


def test_a_trial_that_never_reports_is_given_up_after_the_reset_time() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 10, clock)
    breaker.record_failure()
    clock.now += 10
    assert breaker.allow_request()
    clock.now += 5
    assert not breaker.allow_request()
    clock.now += 5
    assert breaker.allow_request()


def test_in_half_open_a_single_failure_reopens_even_under_the_threshold() -> None:
    clock = Clock()
    breaker = CircuitBreaker(5, 10, clock)
    for _ in range(5):
        breaker.record_failure()
    clock.now += 10
    assert breaker.allow_request()
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
