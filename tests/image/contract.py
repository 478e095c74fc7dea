"""A rendered pod template as `docker run` options: the pod contract, read from kustomize output.

Everything the kubelet would enforce and Docker can reproduce is translated; anything else
in the contract (a volume type, a securityContext field, a `$(VAR)` reference) raises
ContractError, so a new manifest field cannot be silently left out of the check.
Deliberately not translated: scheduling, resources.requests, imagePullPolicy, the Service.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Doc = dict[str, Any]

_POD_SECURITY = {
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "fsGroup",
    "supplementalGroups",
    "seccompProfile",
}
_CONTAINER_SECURITY = {
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "readOnlyRootFilesystem",
    "allowPrivilegeEscalation",
    "privileged",
    "capabilities",
    "seccompProfile",
}
_BINARY_SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9}


class ContractError(Exception):
    """The manifests ask for something this check cannot reproduce (or contradict themselves)."""


@dataclass(frozen=True)
class Probe:
    path: str
    port: int
    initial_delay: float
    period: float
    timeout: float
    failure_threshold: int
    success_threshold: int

    @property
    def budget(self) -> float:
        """How long the kubelet waits before it gives up on this probe."""
        return self.initial_delay + self.period * self.failure_threshold


@dataclass(frozen=True)
class Contract:
    """One container of a pod template, as Docker sees it."""

    name: str
    options: list[str]  # user, security, mounts, resources: everything but the environment
    env: dict[str, str]
    entrypoint: list[str] | None  # `command:` (replaces ENTRYPOINT and the image's CMD)
    args: list[str] | None  # `args:` (replaces CMD)
    ports: dict[str, int] = field(default_factory=dict)
    probes: dict[str, Probe] = field(default_factory=dict)
    pre_stop: list[str] | None = None
    grace_seconds: int = 30
    deadline_seconds: int | None = None  # a Job's activeDeadlineSeconds
    tmpfs: list[str] = field(default_factory=list)
    run_as: tuple[int, int] = (0, 0)

    def docker_run(self, image: str, env_file: str) -> list[str]:
        """`docker run` arguments after `run` (detach/name/network are the caller's)."""
        argv = [*self.options, "--env-file", env_file]
        if self.entrypoint is not None:
            argv += ["--entrypoint", self.entrypoint[0], image, *self.entrypoint[1:]]
        else:
            argv.append(image)
        return argv + (self.args or [])


def find(docs: Iterable[Doc], kind: str, name: str | None = None) -> Doc:
    found = [
        d for d in docs if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name)
    ]
    if len(found) != 1:
        raise ContractError(f"expected one {kind} {name or ''} in the render, found {len(found)}")
    return found[0]


def quantity_bytes(value: str) -> int:
    match = re.fullmatch(r"(\d+)([KMG]i?)?", str(value))
    if match is None:
        raise ContractError(f"unsupported quantity {value!r}")
    return int(match.group(1)) * _BINARY_SUFFIXES.get(match.group(2) or "", 1)


def cpu_cores(value: str) -> str:
    text = str(value)
    return str(int(text[:-1]) / 1000) if text.endswith("m") else text


def _security(pod: Doc, container: Doc) -> tuple[list[str], tuple[int, int]]:
    pod_sc, sc = pod.get("securityContext", {}), container.get("securityContext", {})
    for where, given, known in (
        ("pod", pod_sc, _POD_SECURITY),
        ("container", sc, _CONTAINER_SECURITY),
    ):
        unknown = set(given) - known
        if unknown:
            raise ContractError(
                f"{where} securityContext: no docker equivalent for {sorted(unknown)}"
            )
    merged = {**pod_sc, **sc}
    uid, gid = int(merged.get("runAsUser", 0)), int(merged.get("runAsGroup", 0))
    if merged.get("runAsNonRoot") and uid == 0:
        raise ContractError(
            "runAsNonRoot without a non-zero runAsUser: the kubelet would refuse it"
        )
    options = ["--user", f"{uid}:{gid}"]
    for group in [pod_sc.get("fsGroup"), *pod_sc.get("supplementalGroups", [])]:
        if group is not None:
            options += ["--group-add", str(group)]
    if sc.get("readOnlyRootFilesystem"):
        options.append("--read-only")
    if sc.get("allowPrivilegeEscalation") is False:
        options += ["--security-opt", "no-new-privileges"]
    if sc.get("privileged"):
        options.append("--privileged")
    for cap in sc.get("capabilities", {}).get("drop", []):
        options += ["--cap-drop", cap]
    for cap in sc.get("capabilities", {}).get("add", []):
        options += ["--cap-add", cap]
    seccomp = merged.get("seccompProfile", {}).get("type", "RuntimeDefault")
    if seccomp == "Unconfined":
        options += ["--security-opt", "seccomp=unconfined"]
    elif seccomp != "RuntimeDefault":
        raise ContractError(f"seccompProfile {seccomp} is not reproduced here")
    return options, (uid, gid)


def _mounts(pod: Doc, container: Doc) -> tuple[list[str], list[str]]:
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    options: list[str] = []
    paths: list[str] = []
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"])
        if volume is None:
            raise ContractError(f"volumeMount {mount['name']} names no volume of the pod")
        if "emptyDir" not in volume or "subPath" in mount:
            raise ContractError(
                f"volume {mount['name']}: only whole emptyDir volumes are reproduced"
            )
        # An emptyDir is a fresh, writable directory (not noexec); tmpfs like medium: Memory.
        spec = ["rw", "exec", "nosuid", "nodev"]
        limit = (volume["emptyDir"] or {}).get("sizeLimit")
        if limit:
            spec.append(f"size={quantity_bytes(limit)}")
        options += ["--tmpfs", f"{mount['mountPath']}:{','.join(spec)}"]
        paths.append(mount["mountPath"])
    return options, paths


def _resources(container: Doc) -> list[str]:
    limits = container.get("resources", {}).get("limits", {})
    options = []
    if "memory" in limits:
        options += ["--memory", str(quantity_bytes(limits["memory"]))]
    if "cpu" in limits:
        options += ["--cpus", cpu_cores(limits["cpu"])]
    return options


def _no_reference(name: str, value: str) -> str:
    if "$(" in value:
        raise ContractError(f"{name}: $(VAR) references are not expanded by this check")
    return value


def _environment(
    container: Doc,
    configmaps: Mapping[str, Mapping[str, str]],
    secrets: Mapping[str, Mapping[str, str]],
) -> dict[str, str]:
    """envFrom first, then env (the kubelet's precedence); values from the rendered ConfigMaps
    and from the local stand-in of each Secret."""

    def lookup(source: Mapping[str, Mapping[str, str]], kind: str, ref: Doc) -> Mapping[str, str]:
        if ref["name"] not in source:
            raise ContractError(f"{kind} {ref['name']} is neither rendered nor provided")
        return source[ref["name"]]

    env: dict[str, str] = {}
    for entry in container.get("envFrom", []):
        prefix = entry.get("prefix", "")
        if "configMapRef" in entry:
            data = lookup(configmaps, "ConfigMap", entry["configMapRef"])
        else:
            data = lookup(secrets, "Secret", entry["secretRef"])
        env.update({prefix + k: v for k, v in data.items()})
    for entry in container.get("env", []):
        name = entry["name"]
        if "value" in entry:
            env[name] = _no_reference(name, str(entry["value"]))
            continue
        ref = entry.get("valueFrom", {})
        if "secretKeyRef" in ref:
            env[name] = lookup(secrets, "Secret", ref["secretKeyRef"])[ref["secretKeyRef"]["key"]]
        elif "configMapKeyRef" in ref:
            key_ref = ref["configMapKeyRef"]
            env[name] = lookup(configmaps, "ConfigMap", key_ref)[key_ref["key"]]
        else:
            raise ContractError(
                f"env {name}: only values, Secret and ConfigMap keys are reproduced"
            )
    return env


def _probe(raw: Doc, ports: Mapping[str, int]) -> Probe:
    get = raw.get("httpGet")
    if get is None or get.get("scheme", "HTTP") != "HTTP" or get.get("httpHeaders"):
        raise ContractError(f"only plain httpGet probes are reproduced, not {sorted(raw)}")
    port = get["port"]
    return Probe(
        path=get["path"],
        port=ports[port] if isinstance(port, str) else int(port),
        initial_delay=raw.get("initialDelaySeconds", 0),
        period=raw.get("periodSeconds", 10),
        timeout=raw.get("timeoutSeconds", 1),
        failure_threshold=raw.get("failureThreshold", 3),
        success_threshold=raw.get("successThreshold", 1),
    )


def pod_contract(
    workload: Doc,
    configmaps: Mapping[str, Mapping[str, str]],
    secrets: Mapping[str, Mapping[str, str]],
) -> Contract:
    """The first container of a Deployment's or a Job's pod template."""
    pod = workload["spec"]["template"]["spec"]
    if pod.get("initContainers") or len(pod["containers"]) != 1:
        raise ContractError("only single-container pods without init containers are reproduced")
    container = pod["containers"][0]
    security, run_as = _security(pod, container)
    mounts, tmpfs = _mounts(pod, container)
    ports = {
        p.get("name", str(p["containerPort"])): p["containerPort"]
        for p in container.get("ports", [])
    }
    pre_stop = container.get("lifecycle", {}).get("preStop")
    if pre_stop is not None and "exec" not in pre_stop:
        raise ContractError("only exec preStop hooks are reproduced")
    return Contract(
        name=container["name"],
        options=[*security, *mounts, *_resources(container)],
        env=_environment(container, configmaps, secrets),
        entrypoint=(
            [_no_reference("command", c) for c in container["command"]]
            if "command" in container
            else None
        ),
        args=[_no_reference("args", a) for a in container["args"]] if "args" in container else None,
        ports=ports,
        probes={
            kind: _probe(container[f"{kind}Probe"], ports)
            for kind in ("startup", "liveness", "readiness")
            if f"{kind}Probe" in container
        },
        pre_stop=pre_stop["exec"]["command"] if pre_stop else None,
        grace_seconds=pod.get("terminationGracePeriodSeconds", 30),
        deadline_seconds=workload["spec"].get("activeDeadlineSeconds"),
        tmpfs=tmpfs,
        run_as=run_as,
    )


def configmaps_of(docs: Iterable[Doc]) -> dict[str, dict[str, str]]:
    return {
        d["metadata"]["name"]: dict(d.get("data", {})) for d in docs if d.get("kind") == "ConfigMap"
    }


def read_env_file(text: str) -> dict[str, str]:
    """`kubectl create secret generic --from-env-file` syntax: KEY=VALUE lines, # comments."""
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            if not sep:
                raise ContractError(f"not a KEY=VALUE line: {line!r}")
            pairs[key.strip()] = value
    return pairs
