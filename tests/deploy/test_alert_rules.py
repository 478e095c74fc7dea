"""The production alert rules, evaluated by Prometheus's own rule-test runner (promtool) on
synthetic series: each objective's alert fires when it is breached and stays quiet otherwise.
Needs `promtool` (Debian package `prometheus`); skipped loudly without it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_harness import one, render

APP = 'job="nexus-backend-service", namespace="nexus-production"'
HPA = 'namespace="nexus-production", horizontalpodautoscaler="nexus-backend"'
BUCKETS = ("0.05", "0.1", "0.2", "0.3", "+Inf")


def _latency(endpoint: str, per_minute: tuple[int, ...]) -> list[dict[str, str]]:
    """Cumulative histogram buckets growing by ``per_minute[i]`` in bucket ``BUCKETS[i]``."""
    return [
        {
            "series": f'nexus_http_request_duration_seconds_bucket{{{APP}, method="GET", '
            f'endpoint="{endpoint}", le="{le}"}}',
            "values": f"0+{count}x30",
        }
        for le, count in zip(BUCKETS, per_minute, strict=True)
    ]


def _requests(status: str, per_minute: int) -> dict[str, str]:
    return {
        "series": f'nexus_http_requests_total{{{APP}, method="GET", '
        f'endpoint="/api/v1/auth/me", status="{status}"}}',
        "values": f"0+{per_minute}x30",
    }


def _aria_cost(euros_per_minute: int) -> dict[str, str]:
    return {
        "series": f'nexus_aria_cost_euros_total{{{APP}, model="gpt-4o-mini"}}',
        "values": f"0+{euros_per_minute}x30",
    }


def _baseline(**overrides: Any) -> list[dict[str, str]]:
    """A healthy production: fast answers, no errors, pods up, HPA well below its maximum."""
    series = {
        "up": {"series": f'up{{{APP}, pod="nexus-backend-a"}}', "values": "1x30"},
        "ok": _requests("200", 1000),
        "errors": _requests("500", 0),
        "restarts": {
            "series": 'kube_pod_container_status_restarts_total{namespace="nexus-production", '
            'pod="nexus-backend-a", container="nexus-backend"}',
            "values": "0x30",
        },
        "hpa_current": {
            "series": f"kube_horizontalpodautoscaler_status_current_replicas{{{HPA}}}",
            "values": "4x30",
        },
        "hpa_max": {
            "series": f"kube_horizontalpodautoscaler_spec_max_replicas{{{HPA}}}",
            "values": "10x30",
        },
        "aria_budget": {"series": f"nexus_aria_monthly_budget_euros{{{APP}}}", "values": "100x30"},
        "aria_cost": _aria_cost(1),
        **overrides,
    }
    flat: list[dict[str, str]] = []
    for value in series.values():
        flat.extend(value if isinstance(value, list) else [value])
    # Fast user traffic; a slow readiness probe that the latency objective leaves out.
    flat += _latency("/api/v1/auth/me", (900, 80, 20, 0, 0))
    flat += _latency("/ready", (0, 0, 0, 0, 100))
    return flat


SCENARIOS: dict[str, tuple[list[dict[str, str]], set[str]]] = {
    "healthy": (_baseline(), set()),
    "slow": (
        _baseline() + _latency("/api/v1/auth/login", (0, 0, 0, 10_000, 0)),
        {"NexusBackendHighLatencyP95"},
    ),
    "errors-5-percent": (_baseline(errors=_requests("500", 50)), {"NexusBackendHighErrorRate"}),
    "errors-half-percent": (_baseline(errors=_requests("500", 5)), set()),
    "restart": (
        _baseline(
            restarts={
                "series": 'kube_pod_container_status_restarts_total{namespace="nexus-production", '
                'pod="nexus-backend-a", container="nexus-backend"}',
                "values": "0x10 1x20",
            }
        ),
        {"NexusBackendContainerRestarts"},
    ),
    "hpa-at-max": (
        _baseline(
            hpa_current={
                "series": f"kube_horizontalpodautoscaler_status_current_replicas{{{HPA}}}",
                "values": "10x30",
            }
        ),
        {"NexusBackendHPAAtMaximum"},
    ),
    # 8 € a minute: past 80 % of the 100 € budget from minute 11, firing from minute 21.
    "aria-budget": (_baseline(aria_cost=_aria_cost(8)), {"NexusAriaBudgetNearlySpent"}),
    # The same spending without a budget (0) never alerts.
    "aria-no-budget": (
        _baseline(
            aria_cost=_aria_cost(8),
            aria_budget={"series": f"nexus_aria_monthly_budget_euros{{{APP}}}", "values": "0x30"},
        ),
        set(),
    ),
    "down": (
        _baseline(up={"series": f'up{{{APP}, pod="nexus-backend-a"}}', "values": "0x30"}),
        {"NexusBackendDown"},
    ),
}


def _promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        from tests.support.services import unavailable

        unavailable("promtool", "apt-get install prometheus")
    return str(path)


@pytest.fixture(name="rules_file", scope="module")
def fixture_rules_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rule = one(render("production"), "PrometheusRule", "nexus-backend")
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    return path


def test_rules_are_valid_promql(rules_file: Path) -> None:
    result = subprocess.run(
        [_promtool(), "check", "rules", str(rules_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_alert_fires_only_when_its_objective_is_breached(
    rules_file: Path, tmp_path: Path, scenario: str
) -> None:
    series, expected = SCENARIOS[scenario]
    test_file = tmp_path / "test.yaml"
    test_file.write_text(
        yaml.safe_dump(
            {
                "rule_files": [str(rules_file)],
                "evaluation_interval": "1m",
                "tests": [
                    {
                        "interval": "1m",
                        "input_series": series,
                        "promql_expr_test": [
                            {
                                "expr": 'count by (alertname) (ALERTS{alertstate="firing"})',
                                "eval_time": "25m",
                                "exp_samples": [
                                    {"labels": f'{{alertname="{name}"}}', "value": 1}
                                    for name in sorted(expected)
                                ],
                            }
                        ],
                    }
                ],
            }
        )
    )
    result = subprocess.run(
        [_promtool(), "test", "rules", str(test_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
