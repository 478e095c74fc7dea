"""Freed argon2id memory goes back to the system once the mmap threshold is fixed.

Each case runs in a fresh interpreter (the allocator's state is per process): four threads
each verify a password twice at the production cost (19 MiB), and the resident set is read
before and after. With glibc's dynamic threshold the second round's blocks come from the
threads' arenas and stay resident (~4 x 19 MiB); with the threshold fixed they are unmapped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from nexus.ops import malloc

CHILD = """
import json, sys, threading
from argon2.low_level import Type, hash_secret_raw
from nexus.ops.malloc import return_large_blocks

def resident_kib():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))

applied = return_large_blocks() if sys.argv[1] == "fixed" else False
def verify():
    for _ in range(2):
        hash_secret_raw(b"secret", b"saltsaltsalt", 2, 19456, 1, 32, Type.ID)
before = resident_kib()
threads = [threading.Thread(target=verify) for _ in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(json.dumps({"applied": applied, "grown_kib": resident_kib() - before}))
"""
pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="glibc's allocator and /proc are Linux's"
)


def _run(mode: str) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k != malloc.ENVIRONMENT}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    result: dict[str, int] = json.loads(done.stdout)
    return result


def test_a_fixed_threshold_returns_argon2_memory_to_the_system() -> None:
    dynamic, fixed = _run("dynamic"), _run("fixed")
    assert fixed["applied"]
    assert dynamic["grown_kib"] > 40 * 1024, dynamic  # the arenas kept the second round's blocks
    assert fixed["grown_kib"] < 12 * 1024, fixed


def test_an_explicit_environment_setting_is_left_to_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(malloc.ENVIRONMENT, "262144")
    assert malloc.return_large_blocks() is False
