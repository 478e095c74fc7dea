"""A stand-in for ``kubectl`` that deploy.sh finds first on PATH in the deploy tests.

It appends every call (argv, and stdin for ``apply``) to a JSON-lines log and answers from a
scenario file, keeping a little state (the Deployment's revision) between calls.
``kubectl kustomize`` is handed to the real kubectl, so the manifests deploy.sh applies are
the real renders. Run as ``python stand_in_kubectl.py SCENARIO_JSON ARGS...``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _flag(argv: list[str], name: str, short: str | None = None) -> str | None:
    """Value of ``--name=value``, ``--name value`` or ``-s value`` in argv."""
    for i, arg in enumerate(argv):
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
        if arg in (f"--{name}", f"-{short}") and i + 1 < len(argv):
            return argv[i + 1]
    return None


class StandIn:
    def __init__(self, scenario_path: Path, argv: list[str]) -> None:
        self.scenario: dict[str, Any] = json.loads(scenario_path.read_text(encoding="utf-8"))
        self.argv = argv
        self.state_path = Path(self.scenario["state"])
        if self.state_path.exists():
            self.state: dict[str, Any] = json.loads(self.state_path.read_text(encoding="utf-8"))
        else:
            revision = self.scenario["revision"]
            # No Deployment yet (revision ""): no generation either.
            self.state = {"revision": revision, "generation": revision, "undone": False}

    def save(self) -> None:
        self.state_path.write_text(json.dumps(self.state), encoding="utf-8")

    def record(self, stdin: str | None = None) -> None:
        entry = {"argv": self.argv, "stdin": stdin, "pid": os.getpid()}
        with open(self.scenario["log"], "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    def bump_revision(self) -> None:
        """A new pod template: the API server bumps the generation, the controller the revision."""
        self.state["revision"] = str(int(self.state["revision"] or 0) + 1)
        self.state["generation"] = str(int(self.state["generation"] or 0) + 1)

    def run(self) -> int:
        argv = self.argv
        command = argv[0] if argv else ""
        if command == "kustomize":
            # Not logged as a cluster call: rendering is local.
            return subprocess.call([self.scenario["real_kubectl"], *argv])
        if command == "apply":
            stdin = sys.stdin.read()
            self.record(stdin)
            return self.apply(stdin)
        self.record()
        if not self.scenario["reachable"]:
            print(
                "Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout",
                file=sys.stderr,
            )
            return 1
        handler = getattr(self, f"cmd_{command.replace('-', '_')}", None)
        if handler is None:
            print(f"stand-in kubectl: unexpected command {argv}", file=sys.stderr)
            return 64
        result: int = handler(argv[1:])
        return result

    def apply(self, stdin: str) -> int:
        if not self.scenario["reachable"]:
            return 1
        if "\nkind: Deployment\n" in f"\n{stdin}" and self.scenario["template_changes"]:
            self.bump_revision()
            self.save()
        for line in stdin.splitlines():
            if line.startswith("kind: "):
                print(f"{line[6:].lower()} configured")
        return 0

    def cmd_version(self, _args: list[str]) -> int:
        print("Client Version: v1.32.4\nServer Version: v1.31.2")
        return 0

    def cmd_get(self, args: list[str]) -> int:
        kind = args[0]
        output = _flag(args, "output", "o") or ""
        if kind == "secret":
            if self.scenario["secret_keys"] is None:
                print(
                    f'Error from server (NotFound): secrets "{args[1]}" not found', file=sys.stderr
                )
                return 1
            print("\n".join(self.scenario["secret_keys"]))
            return 0
        if kind == "deployment" and "replicas" in output:
            print(self.scenario.get("replicas", ""), end="")
            return 0
        if kind == "deployment" and output.startswith("jsonpath"):
            field = "generation" if "generation" in output else "revision"
            print(self.state[field], end="")
            return 0
        if kind == "job" and output.startswith("jsonpath"):
            print("True" if self.scenario["migration"] == "failed" else "", end="")
            return 0
        print(f"NAME   READY   (stand-in listing of {' '.join(args)})")
        return 0

    def cmd_delete(self, _args: list[str]) -> int:
        return 0

    def cmd_describe(self, args: list[str]) -> int:
        print(f"Name: {args[1]}\nPods Statuses: 0 Active / 0 Succeeded / 1 Failed")
        return 0

    def cmd_wait(self, args: list[str]) -> int:
        migration = self.scenario["migration"]
        if migration == "complete":
            print("job.batch/nexus-backend-migrate condition met")
            return 0
        if migration == "running":
            time.sleep(float((_flag(args, "timeout") or "1s").rstrip("s")))
        print(
            "error: timed out waiting for the condition on jobs/nexus-backend-migrate",
            file=sys.stderr,
        )
        return 1

    def cmd_logs(self, args: list[str]) -> int:
        if args and args[0].startswith("job/"):
            if self.scenario["migration"] == "failed":
                print("alembic.util.exc.CommandError: Can't locate revision identified by 'ff00'")
            else:
                print("database upgraded to head")
            return 0
        print("[pod/nexus-backend-abc/nexus-backend] 2026-01-01T00:00:00Z request served")
        return 0

    def cmd_rollout(self, args: list[str]) -> int:
        sub = args[0]
        if sub == "status":
            if self.scenario["rollout"] == "fail" and not self.state["undone"]:
                print(
                    'error: deployment "nexus-backend" exceeded its progress deadline',
                    file=sys.stderr,
                )
                return 1
            print('deployment "nexus-backend" successfully rolled out')
            return 0
        if sub in ("undo", "restart"):
            self.bump_revision()
            self.state["undone"] = self.state["undone"] or sub == "undo"
            self.save()
            print(
                f"deployment.apps/nexus-backend {'rolled back' if sub == 'undo' else 'restarted'}"
            )
            return 0
        if sub == "history":
            print("REVISION  CHANGE-CAUSE\n1         <none>")
            return 0
        return 64

    def cmd_port_forward(self, _args: list[str]) -> int:
        port = self.scenario["port_forward_port"]
        print(f"Forwarding from 127.0.0.1:{port} -> 8000", flush=True)
        time.sleep(120)  # until deploy.sh stops it
        return 0


if __name__ == "__main__":
    sys.exit(StandIn(Path(sys.argv[1]), sys.argv[2:]).run())
