"""The rendered manifests carry the documented numbers (docs/deployment.md): sizes, replicas,
autoscaling, hosts, TLS, probes, shutdown timing, security context, secrets, monitoring."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
import yaml
from deploy_harness import DEPLOY_DIR, by_kind, one, render, require_kubectl

ENVIRONMENTS = {
    "staging": {
        "namespace": "nexus-staging",
        "host": "staging-api.nexus-reussite.com",
        "requests": {"cpu": "250m", "memory": "512Mi"},
        "limits": {"cpu": "1", "memory": "1Gi"},
    },
    "production": {
        "namespace": "nexus-production",
        "host": "api.nexus-reussite.com",
        "requests": {"cpu": "500m", "memory": "1Gi"},
        "limits": {"cpu": "2", "memory": "2Gi"},
    },
}
SECRET_KEYS = {"database-url", "redis-url", "secret-key", "openai-api-key", "smtp-url"}
GUNICORN_GRACEFUL_TIMEOUT = 25  # nexus.ops.gunicorn_conf's default, also set in the ConfigMap

Doc = dict[str, Any]


def _container(docs: list[Doc]) -> Doc:
    deployment = one(docs, "Deployment", "nexus-backend")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    result: Doc = container
    return result


def _config(docs: list[Doc]) -> dict[str, str]:
    (configmap,) = by_kind(docs, "ConfigMap")
    assert configmap["metadata"]["name"].startswith("nexus-backend-config-")  # hashed: rolls pods
    data: dict[str, str] = configmap["data"]
    return data


@pytest.fixture(name="env", params=sorted(ENVIRONMENTS))
def fixture_env(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def test_everything_lives_in_the_environment_namespace(env: str) -> None:
    docs = render(env)
    namespace = ENVIRONMENTS[env]["namespace"]

    assert one(docs, "Namespace")["metadata"]["name"] == namespace
    assert one(docs, "Namespace")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == (
        "restricted"
    )
    for doc in docs:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == namespace, doc["metadata"]["name"]
            assert doc["metadata"]["labels"]["environment"] == env


def test_deployment_and_service(env: str) -> None:
    docs = render(env, tag="v9.8.7")
    deployment = one(docs, "Deployment", "nexus-backend")
    container = _container(docs)

    assert deployment["metadata"]["labels"]["app"] == "nexus-backend"
    assert deployment["spec"]["selector"] == {"matchLabels": {"app": "nexus-backend"}}
    assert deployment["spec"]["template"]["metadata"]["labels"]["app"] == "nexus-backend"
    assert container["image"] == "ghcr.io/nexus-reussite/nexus-backend:v9.8.7"
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]

    service = one(docs, "Service", "nexus-backend-service")
    assert service["spec"]["selector"] == {"app": "nexus-backend"}
    assert service["spec"]["ports"] == [
        {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}
    ]


def test_replicas_and_autoscaling() -> None:
    staging, production = render("staging"), render("production")

    assert one(staging, "Deployment", "nexus-backend")["spec"]["replicas"] == 2
    assert by_kind(staging, "HorizontalPodAutoscaler") == []

    # Production starts at the HPA's minimum (deploy.sh keeps a larger live count).
    assert one(production, "Deployment", "nexus-backend")["spec"]["replicas"] == 3
    hpa = one(production, "HorizontalPodAutoscaler", "nexus-backend")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "nexus-backend",
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 10)
    metrics = {m["resource"]["name"]: m["resource"]["target"] for m in hpa["spec"]["metrics"]}
    assert set(metrics) == {"cpu", "memory"}
    assert all(
        t["type"] == "Utilization" and 0 < t["averageUtilization"] <= 90 for t in metrics.values()
    )


def test_requests_and_limits(env: str) -> None:
    resources = _container(render(env))["resources"]

    assert resources["requests"] == ENVIRONMENTS[env]["requests"]
    assert resources["limits"] == ENVIRONMENTS[env]["limits"]


def test_probes(env: str) -> None:
    container = _container(render(env))

    assert container["startupProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 60


def test_rolling_update_never_drops_capacity(env: str) -> None:
    spec = one(render(env), "Deployment", "nexus-backend")["spec"]

    assert spec["strategy"]["type"] == "RollingUpdate"
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert spec["strategy"]["rollingUpdate"]["maxSurge"] >= 1
    assert 60 <= spec["progressDeadlineSeconds"] <= 600


def test_pods_leave_the_endpoints_before_gunicorn_stops(env: str) -> None:
    docs = render(env)
    pod = one(docs, "Deployment", "nexus-backend")["spec"]["template"]["spec"]
    container = _container(docs)

    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "/bin/sleep"
    pause = int(command[1])
    assert pause >= 5
    graceful = int(_config(docs)["GUNICORN_GRACEFUL_TIMEOUT"])
    assert graceful == GUNICORN_GRACEFUL_TIMEOUT
    assert pod["terminationGracePeriodSeconds"] > pause + graceful


def test_security_context(env: str) -> None:
    docs = render(env)
    pod = one(docs, "Deployment", "nexus-backend")["spec"]["template"]["spec"]
    container = _container(docs)

    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    context = container["securityContext"]
    assert context["runAsNonRoot"] is True
    assert context["runAsUser"] == 10001
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}

    assert pod["serviceAccountName"] == "nexus-backend"
    assert pod["automountServiceAccountToken"] is False
    account = one(docs, "ServiceAccount", "nexus-backend")
    assert account["automountServiceAccountToken"] is False


def test_writable_tmp_and_prometheus_multiprocess_dir(env: str) -> None:
    docs = render(env)
    pod = one(docs, "Deployment", "nexus-backend")["spec"]["template"]["spec"]
    mounts = {m["mountPath"]: m["name"] for m in _container(docs)["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}

    assert _config(docs)["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/prometheus"
    for path in ("/tmp", "/tmp/prometheus"):
        assert "emptyDir" in volumes[mounts[path]]


def test_settings_come_from_the_configmap_and_the_secret(env: str) -> None:
    docs = render(env)
    container = _container(docs)
    config = _config(docs)

    secret_refs = {
        e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e
    }
    assert {ref["name"] for ref in secret_refs.values()} == {"nexus-backend-secrets"}
    # smtp-url is the mail worker's alone (tests/deploy/test_worker_manifest.py).
    assert {ref["key"] for ref in secret_refs.values()} == SECRET_KEYS - {"smtp-url"}
    assert set(secret_refs) == {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "OPENAI_API_KEY"}
    assert container["envFrom"] == [
        {"configMapRef": {"name": one(docs, "ConfigMap")["metadata"]["name"]}}
    ]
    assert config["NEXUS_ENV"] == "production"
    assert config["CORS_ORIGINS"].startswith("https://")
    # No Secret is rendered: it is created by hand (docs/deployment.md) and never committed.
    assert by_kind(docs, "Secret") == []


def test_ingress_tls_and_hosts(env: str) -> None:
    docs = render(env)
    host = ENVIRONMENTS[env]["host"]
    ingresses = {i["metadata"]["name"]: i for i in by_kind(docs, "Ingress")}

    assert set(ingresses) == {"nexus-backend", "nexus-backend-metrics-blocked"}
    for ingress in ingresses.values():
        spec = ingress["spec"]
        assert spec["ingressClassName"] == "nginx"
        assert [rule["host"] for rule in spec["rules"]] == [host]
        assert spec["tls"] == [{"hosts": [host], "secretName": "nexus-backend-tls"}]
    main = ingresses["nexus-backend"]
    annotations = main["metadata"]["annotations"]
    assert annotations["cert-manager.io/cluster-issuer"] == "letsencrypt-production"
    assert annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
    (path,) = main["spec"]["rules"][0]["http"]["paths"]
    assert path["path"] == "/"
    assert path["backend"]["service"] == {"name": "nexus-backend-service", "port": {"name": "http"}}


def test_metrics_are_blocked_from_outside(env: str) -> None:
    blocked = one(render(env), "Ingress", "nexus-backend-metrics-blocked")

    assert blocked["metadata"]["annotations"][
        "nginx.ingress.kubernetes.io/denylist-source-range"
    ] == ("0.0.0.0/0,::/0")
    # Exactly one Certificate per secret: only the main Ingress asks cert-manager.
    assert "cert-manager.io/cluster-issuer" not in blocked["metadata"]["annotations"]
    (path,) = blocked["spec"]["rules"][0]["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/metrics", "Prefix")
    assert not any("snippet" in key for key in blocked["metadata"]["annotations"])


def test_rate_limiting_in_production_only() -> None:
    def limits(env: str) -> dict[str, str]:
        annotations = one(render(env), "Ingress", "nexus-backend")["metadata"]["annotations"]
        return {k: v for k, v in annotations.items() if ".kubernetes.io/limit-" in k}

    assert limits("staging") == {}
    production = limits("production")
    assert int(production["nginx.ingress.kubernetes.io/limit-rps"]) > 0
    assert int(production["nginx.ingress.kubernetes.io/limit-connections"]) > 0
    assert int(production["nginx.ingress.kubernetes.io/limit-burst-multiplier"]) > 0


def test_disruption_budget_and_topology_spread(env: str) -> None:
    docs = render(env)
    pdb = one(docs, "PodDisruptionBudget", "nexus-backend")
    pod = one(docs, "Deployment", "nexus-backend")["spec"]["template"]["spec"]

    assert pdb["spec"]["selector"] == {"matchLabels": {"app": "nexus-backend"}}
    assert pdb["spec"]["maxUnavailable"] == 1
    keys = {c["topologyKey"] for c in pod["topologySpreadConstraints"]}
    assert "kubernetes.io/hostname" in keys
    for constraint in pod["topologySpreadConstraints"]:
        assert constraint["labelSelector"] == {"matchLabels": {"app": "nexus-backend"}}


def test_network_policy(env: str) -> None:
    policy = one(render(env), "NetworkPolicy", "nexus-backend")
    spec = policy["spec"]

    assert spec["podSelector"] == {"matchLabels": {"app": "nexus-backend"}}
    assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
    (ingress,) = spec["ingress"]
    sources = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for peer in ingress["from"]
    }
    assert sources == {"ingress-nginx", "monitoring"}
    assert ingress["ports"] == [{"protocol": "TCP", "port": 8000}]
    egress_ports = {(p["protocol"], p["port"]) for rule in spec["egress"] for p in rule["ports"]}
    assert egress_ports == {("UDP", 53), ("TCP", 53), ("TCP", 5432), ("TCP", 6379), ("TCP", 443)}


def test_migration_job(env: str) -> None:
    (job,) = render(env, tag="main-3f2a9c1", what="migrate")
    app_docs = render(env, tag="main-3f2a9c1")
    spec = job["spec"]
    pod = spec["template"]["spec"]
    (container,) = pod["containers"]

    assert job["kind"] == "Job"
    assert job["metadata"]["namespace"] == ENVIRONMENTS[env]["namespace"]
    assert spec["backoffLimit"] == 0
    assert spec["activeDeadlineSeconds"] > 0
    assert spec["ttlSecondsAfterFinished"] > 0
    assert pod["restartPolicy"] == "Never"
    assert container["command"] == ["nexus", "db", "upgrade"]
    assert container["image"] == _container(app_docs)["image"]
    assert container["image"].endswith(":main-3f2a9c1")
    refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
    assert refs == {"nexus-backend-secrets"}
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    # Its NetworkPolicy ships with the app; the Job itself is never in the kustomization.
    assert one(app_docs, "NetworkPolicy", "nexus-backend-migrate")
    assert by_kind(app_docs, "Job") == []
    kustomization = yaml.safe_load((DEPLOY_DIR / "base" / "kustomization.yaml").read_text())
    assert "migrate-job.yaml" not in kustomization["resources"]


def test_prometheus_scraping_and_alerts() -> None:
    docs = render("production")
    monitor = one(docs, "ServiceMonitor", "nexus-backend")
    rules = one(docs, "PrometheusRule", "nexus-backend")

    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["spec"]["selector"] == {"matchLabels": {"app": "nexus-backend"}}
    assert monitor["spec"]["endpoints"][0]["port"] == "http"
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"
    alerts = {r["alert"]: r["expr"] for g in rules["spec"]["groups"] for r in g["rules"]}
    latency = alerts["NexusBackendHighLatencyP95"]
    assert "histogram_quantile(0.95" in latency
    assert "nexus_http_request_duration_seconds_bucket" in latency
    assert re.search(r"\)\s*> 0\.2\s*$", latency)
    errors = alerts["NexusBackendHighErrorRate"]
    five_xx = re.compile(r'nexus_http_requests_total\{[^}]*status=~"5\.\."[^}]*\}')
    assert five_xx.search(errors)
    assert errors.count("nexus_http_requests_total") == 2  # 5xx over all requests
    assert re.search(r"\)\s*> 0\.01\s*$", errors)
    assert "kube_pod_container_status_restarts_total" in alerts["NexusBackendContainerRestarts"]
    hpa_max = alerts["NexusBackendHPAAtMaximum"]
    assert "kube_horizontalpodautoscaler_status_current_replicas" in hpa_max
    assert ">=" in hpa_max
    assert "kube_horizontalpodautoscaler_spec_max_replicas" in hpa_max
    assert by_kind(render("staging"), "ServiceMonitor") == []


def test_cluster_issuers() -> None:
    text = (DEPLOY_DIR / "cluster" / "cluster-issuers.yaml").read_text()
    issuers = {d["metadata"]["name"]: d for d in yaml.safe_load_all(text)}

    assert set(issuers) == {"letsencrypt-production", "letsencrypt-staging"}
    for issuer in issuers.values():
        assert issuer["kind"] == "ClusterIssuer"
        acme = issuer["spec"]["acme"]
        assert acme["email"] == "ops@nexus-reussite.com"
        assert acme["solvers"] == [{"http01": {"ingress": {"ingressClassName": "nginx"}}}]
    assert issuers["letsencrypt-production"]["spec"]["acme"]["server"] == (
        "https://acme-v02.api.letsencrypt.org/directory"
    )


def test_secrets_example_lists_the_keys_and_is_not_applied() -> None:
    example = DEPLOY_DIR / "secrets.example.env"
    keys = {
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    }

    assert keys == SECRET_KEYS
    for kustomization in DEPLOY_DIR.rglob("kustomization.yaml"):
        assert "secrets.example.env" not in kustomization.read_text()


def test_an_overlay_applied_by_hand_cannot_pull_a_moving_tag() -> None:
    # `kubectl apply -k` without deploy.sh: the image tag does not exist rather than `latest`.
    out = subprocess.run(
        [require_kubectl(), "kustomize", str(DEPLOY_DIR / "overlays" / "production")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "image: ghcr.io/nexus-reussite/nexus-backend:set-by-deploy-sh" in out
