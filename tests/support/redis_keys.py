"""Delete what a test or a performance run wrote to a shared Redis: the keys of its prefix."""

from __future__ import annotations

from redis import Redis

BATCH = 1000


def forget_prefix(client: Redis, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}*", count=BATCH))
    for start in range(0, len(keys), BATCH):
        client.delete(*keys[start : start + BATCH])
