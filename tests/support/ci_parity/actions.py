"""The ``uses:`` actions a job of ours calls, emulated; any other action fails with its name.

- actions/checkout: a fresh clone of the repository under test into the workspace (``fetch-depth:
  0``: every commit and tag; otherwise a shallow clone of the commit), the working tree's
  uncommitted changes committed on top so that the run tests what is on disk.
- actions/setup-python: the newest CPython X.Y of this machine's pyenv first on PATH, through a
  tool-cache directory holding only its python and pip (the runner's cached Python has nothing
  else on PATH).
- actions/cache: a local store (``~/.cache/nexus-ci-parity/actions-cache``): restored on an exact
  or ``restore-keys`` prefix hit, saved after a successful job on a miss, like the action.
- actions/upload-artifact: the files copied to the run's report directory, with
  ``if-no-files-found`` honoured.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PYTHON_ROOTS = (Path("/root/.pyenv/versions"),)
CACHE_STORE = Path.home() / ".cache" / "nexus-ci-parity" / "actions-cache"
CACHE_ENTRIES_KEPT = 6


class ActionError(RuntimeError):
    """An action (or an input of one) that the parity runner does not emulate, or its failure."""


@dataclass
class ActionContext:
    """What an action may touch: the workspace, the runner's paths, the job's state."""

    source: Path
    workspace: Path
    home: Path
    tool_cache: Path
    artifacts: Path
    add_path: Callable[[str], None]
    export: Callable[[str, str], None]
    post_steps: list[Callable[[str], None]] = field(default_factory=list)


def _allow(action: str, inputs: dict[str, str], known: set[str]) -> None:
    unknown = sorted(set(inputs) - known)
    if unknown:
        raise ActionError(f"{action}: inputs not emulated: {', '.join(unknown)}")


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ActionError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def checkout(ctx: ActionContext, inputs: dict[str, str]) -> None:
    _allow("actions/checkout", inputs, {"fetch-depth", "persist-credentials"})
    depth = int(inputs.get("fetch-depth", "1") or "1")
    head = _git("rev-parse", "HEAD", cwd=ctx.source).strip()
    clone = ["clone", "--quiet", "--no-checkout"]
    if depth > 0:
        clone += [f"--depth={depth}", "--no-tags"]
    _git(*clone, f"file://{ctx.source}", str(ctx.workspace), cwd=ctx.source.parent)
    if depth > 0:
        _git("fetch", "--quiet", f"--depth={depth}", "origin", head, cwd=ctx.workspace)
    branch = _git("rev-parse", "--abbrev-ref", "HEAD", cwd=ctx.source).strip()
    if branch == "HEAD":
        _git("checkout", "--quiet", "--detach", head, cwd=ctx.workspace)
    else:
        _git("checkout", "--quiet", "-B", branch, head, cwd=ctx.workspace)
    _overlay_working_tree(ctx.source, ctx.workspace)
    sha = _git("rev-parse", "HEAD", cwd=ctx.workspace).strip()
    ctx.export("GITHUB_SHA", sha)
    print(f"ci-parity: checked out {ctx.source} at {sha[:12]} into {ctx.workspace}")


def _overlay_working_tree(source: Path, workspace: Path) -> None:
    """Uncommitted changes and untracked (not ignored) files, committed in the clone."""
    diff = subprocess.run(
        ["git", "diff", "--binary", "HEAD"], cwd=source, capture_output=True, check=True
    ).stdout
    untracked = _git("ls-files", "--others", "--exclude-standard", "-z", cwd=source).split("\0")
    untracked = [name for name in untracked if name]
    if not diff and not untracked:
        return
    if diff:
        subprocess.run(["git", "apply", "--binary", "-"], cwd=workspace, input=diff, check=True)
    for name in untracked:
        target = workspace / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target, follow_symlinks=False)
    _git("add", "-A", cwd=workspace)
    _git(
        "-c",
        "user.name=ci-parity",
        "-c",
        "user.email=ci-parity@localhost",
        "commit",
        "--quiet",
        "--no-verify",
        "-m",
        "ci-parity: the working tree's uncommitted changes",
        cwd=workspace,
    )
    print(f"ci-parity: uncommitted changes included ({len(untracked)} untracked file(s))")


def find_python(version: str) -> Path:
    """The newest installed CPython matching X.Y (or X.Y.Z) under the pyenv roots."""
    candidates: list[tuple[tuple[int, ...], Path]] = []
    for root in PYTHON_ROOTS:
        for entry in root.glob(f"{version}*"):
            parts = entry.name.split(".")
            if entry.name == version or (
                entry.name.startswith(version + ".") and all(p.isdigit() for p in parts)
            ):
                candidates.append((tuple(int(p) for p in parts), entry))
    if not candidates:
        raise ActionError(f"actions/setup-python: no CPython {version} on this machine")
    return max(candidates)[1]


def setup_python(ctx: ActionContext, inputs: dict[str, str]) -> None:
    _allow("actions/setup-python", inputs, {"python-version", "check-latest"})
    version = inputs.get("python-version", "")
    if not version:
        raise ActionError("actions/setup-python: python-version is required here")
    install = find_python(version)
    full = install.name
    home = ctx.tool_cache / "Python" / full / "x64"
    (home / "bin").mkdir(parents=True, exist_ok=True)
    short = ".".join(full.split(".")[:2])
    for name in ("python", "python3", f"python{short}", "pip", "pip3", f"pip{short}"):
        if (install / "bin" / name).exists():
            (home / "bin" / name).symlink_to(install / "bin" / name)
    ctx.add_path(str(home / "bin"))
    for name in ("pythonLocation", "Python_ROOT_DIR", "Python3_ROOT_DIR"):
        ctx.export(name, str(home))
    ctx.export("PKG_CONFIG_PATH", str(install / "lib" / "pkgconfig"))
    print(f"ci-parity: CPython {full} ({install}) first on PATH")


def _key_dir(key: str) -> Path:
    return CACHE_STORE / hashlib.sha256(key.encode()).hexdigest()[:32]


def _expand(ctx: ActionContext, pattern: str) -> Path:
    if pattern.startswith("~/"):
        return ctx.home / pattern[2:]
    return ctx.workspace / pattern


def _copy_tree(source: Path, target: Path) -> None:
    # Hard links: a pip cache is large, and pip replaces its files instead of editing them.
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link, symlinks=True, dirs_exist_ok=True)


def cache(ctx: ActionContext, inputs: dict[str, str]) -> None:
    _allow("actions/cache", inputs, {"path", "key", "restore-keys"})
    key = inputs["key"]
    paths = [line.strip() for line in inputs["path"].splitlines() if line.strip()]
    hit: Path | None = _key_dir(key) if (_key_dir(key) / "key").exists() else None
    prefixes = [line.strip() for line in inputs.get("restore-keys", "").splitlines() if line]
    if hit is None and prefixes and CACHE_STORE.exists():
        stored = sorted(CACHE_STORE.glob("*/key"), key=lambda p: p.stat().st_mtime, reverse=True)
        for prefix in prefixes:
            hit = next((p.parent for p in stored if p.read_text().startswith(prefix)), None)
            if hit is not None:
                break
    if hit is not None:
        for index, pattern in enumerate(paths):
            if (hit / str(index)).exists():
                _copy_tree(hit / str(index), _expand(ctx, pattern))
        print(f"ci-parity: cache restored from key {(hit / 'key').read_text()}")
    else:
        print(f"ci-parity: cache not found for key {key}")
    exact = hit is not None and (hit / "key").read_text() == key

    def save(status: str) -> None:
        if exact or status != "success":
            return
        target = _key_dir(key)
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for index, pattern in enumerate(paths):
            if _expand(ctx, pattern).is_dir():
                _copy_tree(_expand(ctx, pattern), target / str(index))
        (target / "key").write_text(key)
        entries = sorted(CACHE_STORE.glob("*/key"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-CACHE_ENTRIES_KEPT]:
            shutil.rmtree(old.parent, ignore_errors=True)
        print(f"ci-parity: cache saved with key {key}")

    ctx.post_steps.append(save)


def upload_artifact(ctx: ActionContext, inputs: dict[str, str]) -> None:
    _allow(
        "actions/upload-artifact",
        inputs,
        {"name", "path", "if-no-files-found", "retention-days"},
    )
    name = inputs.get("name", "artifact")
    patterns = [line.strip() for line in inputs["path"].splitlines() if line.strip()]
    matched: list[Path] = []
    for pattern in patterns:
        matched += [Path(p) for p in glob.glob(str(ctx.workspace / pattern), recursive=True)]
    policy = inputs.get("if-no-files-found", "warn")
    if not matched:
        message = f"actions/upload-artifact {name}: no files found for {patterns}"
        if policy == "error":
            raise ActionError(message)
        print(f"ci-parity: {message} ({policy})")
        return
    target = ctx.artifacts / name
    for path in matched:
        relative = path.relative_to(ctx.workspace)
        if path.is_dir():
            shutil.copytree(path, target / relative, dirs_exist_ok=True)
        else:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
    print(f"ci-parity: artifact {name}: {len(matched)} path(s) copied to {target}")


ACTIONS: dict[str, Callable[[ActionContext, dict[str, str]], None]] = {
    "actions/checkout": checkout,
    "actions/setup-python": setup_python,
    "actions/cache": cache,
    "actions/upload-artifact": upload_artifact,
}


def run_action(uses: str, ctx: ActionContext, inputs: dict[str, Any]) -> None:
    name = uses.split("@", 1)[0]
    if name not in ACTIONS:
        raise ActionError(f"the action {uses} is not emulated by the parity runner")
    ACTIONS[name](ctx, {str(k): str(v) for k, v in inputs.items()})
