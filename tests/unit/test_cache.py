"""nexus.cache.ResponseCache on its own: generations, the LRU bound, Redis failures."""

from __future__ import annotations

import itertools

from redis import Redis

from nexus import cache
from nexus.cache import ResponseCache
from tests.conftest import make_settings
from tests.support.services import free_port


def local_cache(**overrides: object) -> ResponseCache:
    settings = make_settings("sqlite://", redis_url=None, **overrides)
    return ResponseCache(settings, None)


def counter() -> tuple[list[int], object]:
    calls: list[int] = []
    numbers = itertools.count(1)

    def compute() -> str:
        calls.append(1)
        return f"v{next(numbers)}"

    return calls, compute


def test_a_value_computed_during_a_write_is_never_served_after_it() -> None:
    rc = local_cache()

    def racing_reader() -> str:
        rc.bump("offers")  # the write commits while the reader is querying
        return "read before the write"

    assert rc.fetch("offers", "k", racing_reader) == "read before the write"
    assert rc.fetch("offers", "k", lambda: "fresh") == "fresh"
    assert rc.fetch("offers", "k", lambda: "not called") == "fresh"


def test_namespaces_and_keys_are_separate_and_bumps_reach_only_their_namespace() -> None:
    rc = local_cache()
    assert rc.fetch("offers", "a", lambda: "offers-a") == "offers-a"
    assert rc.fetch("content", "a", lambda: "content-a") == "content-a"
    assert rc.fetch("offers", "b", lambda: "offers-b") == "offers-b"
    rc.bump("content")
    assert rc.fetch("offers", "a", lambda: "x") == "offers-a"
    assert rc.fetch("content", "a", lambda: "content-a2") == "content-a2"


def test_the_in_process_cache_is_bounded() -> None:
    rc = local_cache()
    for n in range(cache.LOCAL_MAX_ENTRIES + 50):
        rc.fetch("content", str(n), lambda n=n: str(n))  # type: ignore[misc]
    assert len(rc._local) == cache.LOCAL_MAX_ENTRIES  # pylint: disable=protected-access
    assert rc.fetch("content", "0", lambda: "evicted, so recomputed") == "evicted, so recomputed"


def test_off_with_several_workers_and_no_redis_or_a_zero_ttl() -> None:
    for rc in (local_cache(NEXUS_WORKER_PROCESSES=2), local_cache(cache_ttl_seconds=0)):
        calls, compute = counter()
        assert not rc.enabled
        rc.fetch("offers", "k", compute)  # type: ignore[arg-type]
        rc.fetch("offers", "k", compute)  # type: ignore[arg-type]
        assert len(calls) == 2


def test_unreachable_redis_bypasses_and_keeps_the_bump_for_later() -> None:
    settings = make_settings("sqlite://", cache_bypass_seconds=0)
    # from_url, as nexus.redis_ext builds it: no retries (the constructor's default would
    # retry each call for seconds).
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.2)
    try:
        rc = ResponseCache(settings, client)
        _, compute = counter()
        assert rc.fetch("offers", "k", compute) == "v1"  # type: ignore[arg-type]
        assert rc.fetch("offers", "k", compute) == "v2"  # type: ignore[arg-type]
        rc.bump("offers")
        assert rc._pending == {"offers"}  # pylint: disable=protected-access
        assert rc.fetch("offers", "k", compute) == "v3"  # type: ignore[arg-type]
        assert rc._pending == {"offers"}  # pylint: disable=protected-access
    finally:
        client.close()
