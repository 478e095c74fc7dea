"""deploy.sh end to end: a stand-in kubectl records what the script asks of the cluster, and a
stand-in app on loopback answers the smoke tests that the script's real curl sends."""

from __future__ import annotations

import json
import os

import deploy_harness
import pytest
import yaml
from deploy_harness import ACCESS_TOKEN, DEPLOY_SH, DeployHarness, StandInApp

DEPLOYMENT_APPLY = ["Deployment"]


def _smoke_env(app: StandInApp) -> dict[str, str]:
    return {"SMOKE_BASE_URL": app.url}


def _deployment_image(manifests: str) -> str:
    (deployment,) = [d for d in yaml.safe_load_all(manifests) if d and d["kind"] == "Deployment"]
    image: str = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    return image


def _cronjob_images(manifests: str) -> list[str]:
    return [
        container["image"]
        for doc in yaml.safe_load_all(manifests)
        if doc and doc["kind"] == "CronJob"
        for container in doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    ]


# --- success: deploy, status, logs, rollback -------------------------------------------------


def test_deploy_runs_migrations_before_the_deployment_and_smoke_tests_it(
    deploy: DeployHarness, stand_in_app: StandInApp
) -> None:
    run = deploy.run("staging", "v1.2.3", env=_smoke_env(stand_in_app))

    assert run.returncode == 0, run.stderr
    assert "Deployed ghcr.io/nexus-reussite/nexus-backend:v1.2.3 to nexus-staging" in run.stdout
    # The cluster is checked first, with a request timeout.
    assert run.argvs[0][0] == "version"
    assert any(a.startswith("--request-timeout=") for a in run.argvs[0])
    # Order: secret present -> config -> migration job -> wait -> Deployment -> rollout.
    order = [
        run.index("get", "secret", "nexus-backend-secrets"),
        run.index("apply"),
        run.index("delete", "job", "nexus-backend-migrate"),
        run.index("wait", "--for=condition=complete", "job/nexus-backend-migrate"),
        run.index("rollout", "status", "deployment/nexus-backend"),
    ]
    assert order == sorted(order)
    kinds = run.applied_kinds()
    assert len(kinds) == 4
    config, job, deployment, scheduled = kinds
    assert "Deployment" not in config and "CronJob" not in config
    assert {"Namespace", "ConfigMap", "Service", "Ingress", "NetworkPolicy"} <= set(config)
    assert job == ["Job"]
    assert deployment == DEPLOYMENT_APPLY
    # The mail worker and the scheduled commands follow once the release has passed its
    # smoke tests.
    assert scheduled == ["Deployment", "CronJob", "CronJob", "CronJob", "CronJob"]
    job_manifest, deployment_manifest, cronjob_manifest = run.applied()[1:]
    assert _cronjob_images(cronjob_manifest) == ["ghcr.io/nexus-reussite/nexus-backend:v1.2.3"] * 4
    applies = [i for i, argv in enumerate(run.argvs) if argv[0] == "apply"]
    assert applies[-1] > run.index("rollout", "status")
    assert "image: ghcr.io/nexus-reussite/nexus-backend:v1.2.3" in job_manifest
    assert "namespace: nexus-staging" in job_manifest
    assert _deployment_image(deployment_manifest) == "ghcr.io/nexus-reussite/nexus-backend:v1.2.3"
    # Every wait has a timeout.
    for argv in run.argvs:
        if argv[:2] in (["rollout", "status"], ["wait", "--for=condition=complete"]):
            assert any(a.startswith("--timeout=") for a in argv), argv
    assert "--timeout=120s" in run.argvs[run.index("rollout", "status")]
    # Idempotent: only apply, never create.
    assert not run.called("create")
    assert not run.called("rollout", "undo")
    # The real smoke tests reached the app, with the token from the login.
    assert stand_in_app.requests == [
        ("GET", "/health"),
        ("GET", "/ready"),
        ("POST", "/api/v1/auth/login"),
        ("GET", "/api/v1/auth/me"),
        ("POST", "/api/v1/auth/logout"),
    ]
    assert stand_in_app.authorizations == [f"Bearer {ACCESS_TOKEN}"] * 2
    # Neither the password nor the token shows in kubectl's arguments or in the output.
    everything = json.dumps(run.calls) + run.stdout + run.stderr
    assert "Sm0ke-" not in everything
    assert ACCESS_TOKEN not in everything


def test_production_deploy_smoke_tests_through_a_port_forward(
    deploy: DeployHarness, stand_in_app: StandInApp
) -> None:
    # No SMOKE_BASE_URL: the script port-forwards to the Service; the stand-in kubectl
    # "forwards" to the stand-in app's port.
    deploy.scenario["port_forward_port"] = stand_in_app.port
    run = deploy.run(
        "production", "main-3f2a9c1", env={"IMAGE_REPOSITORY": "registry.example.org/nexus/api"}
    )

    assert run.returncode == 0, run.stderr
    port_forward = run.argvs[run.index("port-forward")]
    assert "svc/nexus-backend-service" in port_forward
    assert "nexus-production" in port_forward
    assert ("GET", "/api/v1/auth/me") in stand_in_app.requests
    config, _job, deployment, scheduled = run.applied()
    assert "kind: HorizontalPodAutoscaler" in config
    assert "kind: ServiceMonitor" in config
    assert _deployment_image(deployment) == "registry.example.org/nexus/api:main-3f2a9c1"
    assert _cronjob_images(scheduled) == ["registry.example.org/nexus/api:main-3f2a9c1"] * 4
    # The port-forward was stopped on the way out.
    pid = next(c["pid"] for c in run.calls if c["argv"][0] == "port-forward")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.parametrize(("live", "applied"), [("7", 7), ("2", 3), ("", 3)])
def test_a_release_keeps_the_replicas_the_autoscaler_added(
    deploy: DeployHarness, stand_in_app: StandInApp, live: str, applied: int
) -> None:
    deploy.scenario["replicas"] = live
    run = deploy.run("production", "v1.2.4", env=_smoke_env(stand_in_app))

    assert run.returncode == 0, run.stderr
    deployment = run.applied()[2]
    assert f"\n  replicas: {applied}\n" in deployment
    assert ("keeping the 7 replicas" in run.stderr) is (live == "7")


def test_redeploying_a_mutable_tag_to_staging_restarts_the_pods(
    deploy: DeployHarness, stand_in_app: StandInApp
) -> None:
    deploy.scenario["template_changes"] = False  # `latest` again: same pod template
    run = deploy.run("staging", "latest", env=_smoke_env(stand_in_app))

    assert run.returncode == 0, run.stderr
    assert run.called("rollout", "restart", "deployment/nexus-backend")
    assert run.index("rollout", "restart") < run.index("rollout", "status")


def test_redeploying_the_same_release_is_a_no_op_and_never_undoes_it(
    deploy: DeployHarness, stand_in_app: StandInApp
) -> None:
    deploy.scenario["template_changes"] = False  # v1.2.3 is already running
    assert deploy.run("production", "v1.2.3", env=_smoke_env(stand_in_app)).returncode == 0

    stand_in_app.ready_status = 503  # a smoke failure must not roll back to the release before
    run = deploy.run("production", "v1.2.3", env=_smoke_env(stand_in_app))

    assert run.returncode == 1
    assert not run.called("rollout", "restart")
    assert not run.called("rollout", "undo")
    assert "did not create a new revision" in run.stderr


def test_status_shows_deployment_pods_hpa_and_events(deploy_without_render: DeployHarness) -> None:
    run = deploy_without_render.run("production", "latest", "status")

    assert run.returncode == 0, run.stderr
    for prefix in (
        ("get", "deployment", "nexus-backend"),
        ("get", "pods"),
        ("get", "hpa"),
        ("get", "events"),
    ):
        assert "nexus-production" in run.argvs[run.index(*prefix)]
    assert not run.called("apply")


def test_logs_shows_the_pods_recent_logs(deploy_without_render: DeployHarness) -> None:
    run = deploy_without_render.run("staging", "latest", "logs")

    assert run.returncode == 0, run.stderr
    logs = run.argvs[run.index("logs")]
    assert "app=nexus-backend" in logs
    assert "--tail=200" in logs
    assert "nexus-staging" in logs
    assert "request served" in run.stdout


def test_rollback_undoes_and_waits(deploy_without_render: DeployHarness) -> None:
    run = deploy_without_render.run("production", "latest", "rollback")

    assert run.returncode == 0, run.stderr
    assert run.index("rollout", "undo", "deployment/nexus-backend") < run.index(
        "rollout", "status", "deployment/nexus-backend"
    )
    assert not run.called("apply")
    assert "Database migrations are not reverted" in run.stdout


# --- failures -------------------------------------------------------------------------------


def test_failed_rollout_is_rolled_back(deploy: DeployHarness, stand_in_app: StandInApp) -> None:
    deploy.scenario["rollout"] = "fail"
    run = deploy.run("production", "v1.2.4", env=_smoke_env(stand_in_app))

    assert run.returncode == 1
    undo = run.argvs[run.index("rollout", "undo", "deployment/nexus-backend")]
    assert "--to-revision=4" in undo  # the revision that served before this run
    assert "exceeded its progress deadline" in run.stderr
    assert "failed during the rollout; rolled back to revision 4" in run.stderr
    assert stand_in_app.requests == []  # no smoke test on a rollout that did not finish


@pytest.mark.parametrize(
    ("ready_status", "password", "last_request"),
    [
        (503, None, ("GET", "/ready")),
        (200, "not-the-password-1", ("POST", "/api/v1/auth/login")),
    ],
    ids=["ready-503", "login-401"],
)
def test_failed_smoke_test_is_rolled_back(
    deploy: DeployHarness,
    stand_in_app: StandInApp,
    ready_status: int,
    password: str | None,
    last_request: tuple[str, str],
) -> None:
    stand_in_app.ready_status = ready_status
    if password is not None:
        stand_in_app.password = password
    run = deploy.run("staging", "v1.2.3", env=_smoke_env(stand_in_app))

    assert run.returncode == 1
    assert run.index("rollout", "status") < run.index("rollout", "undo")
    assert "--to-revision=4" in run.argvs[run.index("rollout", "undo")]
    assert stand_in_app.requests[-1] == last_request
    assert "failed its smoke tests; rolled back to revision 4" in run.stderr
    # The CronJobs stay on the image the rolled-back Deployment runs.
    assert all("CronJob" not in kinds for kinds in run.applied_kinds())


def test_failed_first_release_has_nothing_to_roll_back(
    deploy: DeployHarness, stand_in_app: StandInApp
) -> None:
    deploy.scenario["revision"] = ""  # no Deployment yet
    deploy.scenario["rollout"] = "fail"
    run = deploy.run("staging", "v1.0.0", env=_smoke_env(stand_in_app))

    assert run.returncode == 1
    assert not run.called("rollout", "undo")
    assert "first release" in run.stderr
    assert "NOT rolled back" in run.stderr
    # The scheduled commands do not start on an image that never served.
    assert all("CronJob" not in kinds for kinds in run.applied_kinds())


def test_failed_migration_leaves_the_deployment_untouched(
    deploy: DeployHarness, stand_in_app: StandInApp
) -> None:
    deploy.scenario["migration"] = "failed"
    run = deploy.run("production", "v1.3.0", env=_smoke_env(stand_in_app))

    assert run.returncode == 1
    assert "the migrations failed; the Deployment was not changed" in run.stderr
    assert "Can't locate revision" in run.stderr  # the Job's logs are shown
    assert all("Deployment" not in kinds for kinds in run.applied_kinds())
    assert not run.called("rollout")
    assert stand_in_app.requests == []


def test_migration_timeout_stops_before_the_deployment(
    deploy: DeployHarness, stand_in_app: StandInApp
) -> None:
    deploy.scenario["migration"] = "running"
    run = deploy.run(
        "staging", "v1.3.0", env={**_smoke_env(stand_in_app), "MIGRATION_TIMEOUT": "2s"}
    )

    assert run.returncode == 1
    assert "did not finish within 2s" in run.stderr
    assert all("Deployment" not in kinds for kinds in run.applied_kinds())
    assert not run.called("rollout")


def test_unreachable_cluster_applies_nothing(deploy_without_render: DeployHarness) -> None:
    deploy_without_render.scenario["reachable"] = False
    run = deploy_without_render.run("staging", "v1.2.3")

    assert run.returncode == 1
    assert "cannot reach the cluster" in run.stderr
    assert "Nothing was applied" in run.stderr
    assert "i/o timeout" in run.stderr  # kubectl's own words are passed on
    assert run.argvs == [run.argvs[0]]
    assert run.argvs[0][0] == "version"


def test_missing_secret_applies_nothing(deploy: DeployHarness) -> None:
    deploy.scenario["secret_keys"] = None
    run = deploy.run("production", "v1.2.3", env={"SMOKE_BASE_URL": "http://127.0.0.1:9"})

    assert run.returncode == 1
    assert "Secret nexus-backend-secrets not found in namespace nexus-production" in run.stderr
    assert run.applied() == []


def test_secret_missing_a_key_applies_nothing(deploy: DeployHarness) -> None:
    deploy.scenario["secret_keys"] = ["database-url", "secret-key"]
    run = deploy.run("staging", "v1.2.3", env={"SMOKE_BASE_URL": "http://127.0.0.1:9"})

    assert run.returncode == 1
    assert "lacks key(s): redis-url openai-api-key" in run.stderr
    assert run.applied() == []


# --- invocation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["staging"],
        ["staging", "v1.2.3", "deploy", "extra"],
        ["prod", "v1.2.3"],
        ["staging", "v1.2.3", "destroy"],
        ["staging", "has space"],
        ["staging", "-v1"],
        ["staging", ""],
    ],
    ids=["none", "no-tag", "too-many", "bad-env", "bad-action", "space", "dash", "empty-tag"],
)
def test_bad_arguments_exit_2_with_usage(
    deploy_without_render: DeployHarness, args: list[str]
) -> None:
    run = deploy_without_render.run(*args)

    assert run.returncode == 2
    assert "usage: " in run.stderr
    assert "ENV TAG [deploy|status|logs|rollback]" in run.stderr
    assert run.calls == []  # nothing asked of the cluster


@pytest.mark.parametrize(
    ("name", "value"),
    [("ROLLOUT_TIMEOUT", "ten minutes"), ("MIGRATION_TIMEOUT", "5x"), ("SMOKE_RETRIES", "-1")],
)
def test_bad_settings_exit_2(deploy_without_render: DeployHarness, name: str, value: str) -> None:
    run = deploy_without_render.run("staging", "v1.2.3", env={name: value})

    assert run.returncode == 2
    assert name in run.stderr
    assert run.calls == []


@pytest.mark.parametrize("tag", ["latest", "main", "develop", "stable", "feature-login", "1.2"])
def test_production_refuses_mutable_tags(deploy_without_render: DeployHarness, tag: str) -> None:
    run = deploy_without_render.run("production", tag)

    assert run.returncode == 2
    assert f"refusing to deploy '{tag}' to production: it is a mutable tag" in run.stderr
    assert run.calls == []


def test_deploy_needs_smoke_credentials(deploy_without_render: DeployHarness) -> None:
    run = deploy_without_render.run("staging", "v1.2.3", env={"SMOKE_PASSWORD": ""})

    assert run.returncode == 2
    assert "SMOKE_EMAIL and SMOKE_PASSWORD must be set" in run.stderr
    assert run.calls == []


def test_script_is_executable_bash_with_strict_mode() -> None:
    text = DEPLOY_SH.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert os.access(DEPLOY_SH, os.X_OK)


def test_missing_kubectl_fails_in_ci_and_skips_loudly_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(deploy_harness.shutil, "which", lambda _name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="kubectl is not installed"):
        deploy_harness.require_kubectl()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="SKIPPED LOUDLY"):
        deploy_harness.require_kubectl()
