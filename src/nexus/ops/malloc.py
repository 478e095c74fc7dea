"""glibc's allocator, told to give large blocks back to the system when they are freed.

An argon2id verification allocates its 19 MiB in one block. glibc serves a block that large
with ``mmap`` and unmaps it on ``free`` — but then raises its mmap threshold to that size
(the "dynamic threshold"), so the next verification's 19 MiB comes from the thread's heap
arena and stays there once freed. With four threads per worker, each worker kept ~76 MiB of
freed argon2 memory after the first sign-ins (PSS of master + 2 workers after 160 sign-ins:
343 MB; with a fixed threshold: 191 MB). Setting the threshold explicitly turns the dynamic
adjustment off (``mallopt(3)``, ``M_MMAP_THRESHOLD``).

Set ``MALLOC_MMAP_THRESHOLD_`` in the environment to choose another value: glibc reads it at
process start, and this module then leaves the allocator alone. Other C libraries: a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_MMAP_THRESHOLD = -3  # <malloc.h>
DEFAULT_THRESHOLD = 1 << 20  # 1 MiB: blocks from 1 MiB up are mapped, and unmapped when freed
ENVIRONMENT = "MALLOC_MMAP_THRESHOLD_"


def return_large_blocks(threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at ``threshold`` bytes; whether it was set by this call."""
    if ENVIRONMENT in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name)
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
