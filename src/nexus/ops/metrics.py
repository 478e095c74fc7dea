"""Prometheus metrics: requests by endpoint and status, latency histograms, pool gauges, build.

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` so every worker's samples are aggregated.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.pool import QueuePool

from nexus.config import Settings
from nexus.db import Database

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)


class AppCollector(Collector):
    """Collected at scrape time: the database pool and the build."""

    def __init__(self, app: Flask, settings: Settings) -> None:
        self._app = app
        self._settings = settings

    def collect(self) -> Iterator[GaugeMetricFamily | InfoMetricFamily]:
        info = InfoMetricFamily("nexus_build", "Build of the running service")
        info.add_metric(
            [], {"version": self._settings.build_version, "commit": self._settings.build_commit}
        )
        yield info
        budget = GaugeMetricFamily(
            "nexus_aria_monthly_budget_euros", "ARIA's monthly budget (0: none)"
        )
        budget.add_metric([], self._settings.aria_monthly_budget_eur)
        yield budget
        pool = Database.engine_for(self._app).pool
        if isinstance(pool, QueuePool):
            for name, value, doc in (
                ("size", pool.size(), "Configured pool size"),
                ("checked_out", pool.checkedout(), "Connections in use"),
                ("checked_in", pool.checkedin(), "Idle connections"),
                ("overflow", pool.overflow(), "Connections beyond the pool size"),
            ):
                gauge = GaugeMetricFamily(f"nexus_db_pool_{name}", doc, labels=["pid"])
                gauge.add_metric([str(os.getpid())], value)
                yield gauge


class Metrics:
    def __init__(self, app: Flask, settings: Settings) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "nexus_http_requests_total",
            "HTTP requests by endpoint, method and status",
            ["method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "nexus_http_request_duration_seconds",
            "HTTP request latency by endpoint",
            ["method", "endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.aria_cost = Counter(
            "nexus_aria_cost_euros_total",
            "What ARIA's model calls cost, in euros (priced with ARIA_PRICES)",
            ["model"],
            registry=self.registry,
        )
        self.app_collector = AppCollector(app, settings)
        # labels() validates and locks on every call: each child is looked up once.
        self._counted: dict[tuple[str, str, int], Any] = {}
        self._timed: dict[tuple[str, str], Any] = {}

    def observe(self, method: str, endpoint: str, status: int, seconds: float | None) -> None:
        counter = self._counted.get((method, endpoint, status))
        if counter is None:
            counter = self.requests.labels(method, endpoint, str(status))
            self._counted[(method, endpoint, status)] = counter
        counter.inc()
        if seconds is None:
            return
        histogram = self._timed.get((method, endpoint))
        if histogram is None:
            histogram = self.latency.labels(method, endpoint)
            self._timed[(method, endpoint)] = histogram
        histogram.observe(seconds)

    def count_aria_cost(self, model: str, euros: float) -> None:
        self.aria_cost.labels(model).inc(euros)

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            registry.register(self.app_collector)
            return generate_latest(registry)
        return generate_latest(self.registry) + generate_latest(_single(self.app_collector))


def _single(collector: Collector) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(collector)
    return registry


def _metrics() -> Metrics:
    metrics: Metrics = current_app.extensions["nexus.metrics"]
    return metrics


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.get("metrics_started")
    current = request
    rule = current.url_rule
    _metrics().observe(
        current.method,
        rule.rule if rule is not None else "<unmatched>",
        response.status_code,
        time.perf_counter() - started if started is not None else None,
    )
    return response


def metrics_response() -> Response:
    return Response(_metrics().exposition(), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions["nexus.metrics"] = Metrics(app, settings)
    app.before_request(_start_timer)
    app.after_request(_observe)
