"""The capacity figure: the scenario's mix in a closed loop, against the load it has to carry.

The 100-user scenario is an open-ish load: each user thinks 0.5 to 1.5 s between tasks, so it
*offers* a fixed number of requests per second, which the server serves or queues. The
capacity run drives the same tasks with the same weights with no think time
(``Closed*`` users of the locustfile): its requests/s is what the server sustains on this
machine, with Locust on the same cores (its CPU use is reported beside the figure). The gate:
capacity >= ``CAPACITY_HEADROOM`` x the offered load, i.e. the 100-user run has that much
headroom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.performance.budgets import CAPACITY_HEADROOM
from tests.performance.report import Check, Group, Rampup


def offered_load(total: Group, users: int) -> float:
    """Requests/s the think-time scenario's users send when every answer is instant.

    Little's law on the 100-user run: ``R x t`` requests are in flight on average (``R`` its
    requests/s, ``t`` its mean response time), so ``users - R x t`` users are thinking, and
    the thinking users alone produce ``R`` requests/s. With instant answers all ``users``
    think, hence ``R x users / (users - R x t)`` -- which is ``users x k / T`` (``k`` requests
    per task on average, ``T`` the 1 s mean think time) without having to count ``k``. It
    equals the measured ``R`` when the server keeps up and stays right when it does not (a
    saturated run serves less than its users offer). Raises ``ValueError`` when the figures
    are inconsistent (as many requests in flight as users).
    """
    if users <= 0 or total.rps <= 0:
        raise ValueError("no steady-state requests to derive the offered load from")
    in_flight = total.rps * total.mean_ms / 1000.0
    thinking = users - in_flight
    if thinking <= 0:
        raise ValueError(
            f"{in_flight:.1f} requests in flight for {users} users: no user left thinking"
        )
    return total.rps * users / thinking


@dataclass(frozen=True)
class Capacity:
    """The closed-loop run's steady state."""

    users: int
    total: Group
    floor_rps: float
    locust_cpu_seconds: float | None
    locust_wall_seconds: float | None

    @property
    def ratio(self) -> float:
        return self.total.rps / self.floor_rps if self.floor_rps else 0.0

    @property
    def locust_cores(self) -> float | None:
        if not self.locust_cpu_seconds or not self.locust_wall_seconds:
            return None
        return self.locust_cpu_seconds / self.locust_wall_seconds

    @classmethod
    def measured(
        cls, users: int, total: Group, floor_rps: float, rampup: Rampup | None
    ) -> Capacity:
        return cls(
            users,
            total,
            floor_rps,
            rampup.locust_cpu_seconds if rampup else None,
            rampup.locust_wall_seconds if rampup else None,
        )


def evaluate(
    capacity: Capacity, scenario_total: Group, scenario_users: int
) -> tuple[dict[str, Any], list[Check]]:
    """The capacity record of ``summary.json`` and its checks (headroom, failures)."""
    try:
        offered: float | None = offered_load(scenario_total, scenario_users)
        why = ""
    except ValueError as exc:
        offered, why = None, str(exc)
    cores = capacity.locust_cores
    record: dict[str, Any] = {
        "users": capacity.users,
        "requests": capacity.total.requests,
        "failures": capacity.total.failures,
        "rps": capacity.total.rps,
        "p50_ms": capacity.total.p50_ms,
        "p95_ms": capacity.total.p95_ms,
        "floor_rps": capacity.floor_rps,
        "ratio": round(capacity.ratio, 3),
        "locust_cpu_seconds": _round(capacity.locust_cpu_seconds, 1),
        "locust_wall_seconds": _round(capacity.locust_wall_seconds, 1),
        "locust_cores": _round(cores, 2),
        "scenario_users": scenario_users,
        "scenario_rps": scenario_total.rps,
        "scenario_mean_ms": scenario_total.mean_ms,
        "offered_rps": _round(offered, 1),
        "offered_method": "Little's law on the 100-user run: R x users / (users - R x mean)",
        "headroom": _round(capacity.total.rps / offered, 2) if offered else None,
        "headroom_required": CAPACITY_HEADROOM,
    }
    locust = f"; Locust itself used {cores:.2f} cores" if cores is not None else ""
    if offered is None:
        headroom = Check(
            f"capacity >= {CAPACITY_HEADROOM:g} x the offered load",
            False,
            f"offered load unknown: {why}",
            gate=True,
        )
    else:
        headroom = Check(
            f"capacity >= {CAPACITY_HEADROOM:g} x the offered load",
            capacity.total.rps >= CAPACITY_HEADROOM * offered,
            f"{capacity.users} closed-loop users: {capacity.total.rps:.0f} req/s = "
            f"{capacity.total.rps / offered:.2f} x {offered:.0f} req/s offered by "
            f"{scenario_users} users ({capacity.ratio:.3f} of the floor){locust}",
            gate=True,
        )
    failures = Check(
        "no failed request in the capacity run",
        capacity.total.failures == 0,
        f"{capacity.total.failures} of {capacity.total.requests}",
        gate=True,
    )
    return record, [headroom, failures]


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
