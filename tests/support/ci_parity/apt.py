"""``apt-get`` inside a parity run: what the runner's apt-get would leave on PATH.

``update`` is a no-op (this machine's package lists are used and refreshed only when a package
must be downloaded). ``install P…`` installs the packages this machine lacks (real apt-get,
through the run's proxy when the job has no network of its own), then links the programs of P
and of everything P depends on into the run's PATH directory: on the runner they would be
installed too. Other sub-commands fail with their name.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.ci_parity.runner_image import (
    SHIMMED,
    Sandbox,
    installed_packages,
    load_image_list,
    package_programs,
)

_VALUE_OPTIONS = ("-o", "-c", "-t", "--target-release", "--option")


def dependency_closure(packages: list[str]) -> list[str]:
    """P and its Depends/Pre-Depends, recursively (Recommends are not installed by our steps)."""
    result = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--important", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    names = {line.strip() for line in result.stdout.splitlines() if re.match(r"^[a-z0-9]", line)}
    return sorted(names | set(packages))


def _real_apt(proxy: str | None, *args: str) -> None:
    options = ["-o", "DPkg::Lock::Timeout=600"]
    if proxy:
        options += ["-o", f"Acquire::http::Proxy={proxy}", "-o", f"Acquire::https::Proxy={proxy}"]
    env = {
        **os.environ,
        "DEBIAN_FRONTEND": "noninteractive",
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    }
    subprocess.run(["/usr/bin/apt-get", *options, *args], check=True, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="apt-get (ci-parity)")
    parser.add_argument("--sandbox", required=True, type=Path)
    parser.add_argument("--proxy")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
    words: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    if not words:
        print("ci-parity: apt-get without a command", file=sys.stderr)
        return 100
    command, packages = words[0], words[1:]
    if command == "update":
        print("ci-parity: apt-get update: this machine's package lists are used")
        return 0
    if command != "install":
        print(f"ci-parity: apt-get {command} is not emulated", file=sys.stderr)
        return 100
    missing = sorted(set(packages) - installed_packages(packages))
    if missing:
        print(f"ci-parity: installing on this machine: {' '.join(missing)}")
        _real_apt(ns.proxy, "update", "-qq")
        _real_apt(ns.proxy, "install", "-y", "-qq", "--no-install-recommends", *missing)
    # Everything installed comes with its dependencies (redis-server brings redis-cli): the
    # image list's never-linked names are about the image, not about what a step installs.
    bin_dir = Sandbox(root=ns.sandbox, image=load_image_list()).bin_dir
    linked: list[str] = []
    for package in sorted(installed_packages(dependency_closure(packages))):
        for name, path in package_programs(package).items():
            link = bin_dir / name
            if name not in SHIMMED and not (link.exists() or link.is_symlink()):
                link.symlink_to(path)
                linked.append(name)
    now = " ".join(sorted(set(linked)))
    print(f"ci-parity: apt-get install {' '.join(packages)}: on PATH now: {now}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
