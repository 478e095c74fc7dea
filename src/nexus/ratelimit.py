"""Rate limits: Flask-Limiter, Redis-backed when ``REDIS_URL`` is set, in-process otherwise.

Sign-in follows OWASP's Authentication Cheat Sheet: throttle, never lock out (the rules and
their numbers are in docs/rate-limits.md, owned by ``Settings.login_limit_*``):

- failures per *account from one address*: slows whoever guesses, and only them;
- failures per *account*, a much higher ceiling over a short window: a spread-out attack is
  slowed too, and a stranger can keep the owner out for at most that window;
- failures per *address*: an address over it gets no second guess at any account, but an
  account that has not failed from there is still verified, so one noisy user behind a shared
  address (a school's NAT) does not block everybody else's correct password.

Every refusal is a 429 in the API's error shape with ``Retry-After``. When Redis goes away,
the counters fall back to this process's memory instead of failing requests, and return to
Redis once it answers again.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask, Response, current_app
from flask.globals import request_ctx
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter

from nexus.config import Settings
from nexus.errors import ApiError, error_response
from nexus.language import _

logger = logging.getLogger("nexus.ratelimit")
# After a storage error the login counters live in memory for this long before Redis is tried.
FALLBACK_SECONDS = 5.0
# Refresh tokens are 256-bit random values: guessing is hopeless, this only caps the noise.
REFRESH_FAILURES_PER_ADDRESS = "60 per minute"
FALLBACK_KEY = "nexus.ratelimit.fallback"


def rate_limited_message(seconds: int) -> str:
    return _("Too many attempts; retry in %(seconds)s s.", seconds=seconds)


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        retry_after = max(1, retry_after)
        super().__init__(
            rate_limited_message(retry_after),
            headers={"Retry-After": str(retry_after)},
        )


def client_address() -> str:
    return get_remote_address() or "unknown"


limiter = Limiter(key_func=client_address)


def settings() -> Settings:
    value: Settings = current_app.extensions["settings"]
    return value


def register_limit() -> str:
    return settings().register_limit_per_address


def refused(response: Response) -> bool:
    """Count only the attempts the server refused (wrong credentials, unknown code)."""
    return response.status_code in (401, 404)


@dataclass
class _Fallback:
    limiter: RateLimiter
    until: float = 0.0


def _strategy() -> RateLimiter:
    fallback: _Fallback = current_app.extensions[FALLBACK_KEY]
    if time.monotonic() < fallback.until:
        return fallback.limiter
    return limiter.limiter


def _storage_failed(exc: Exception) -> RateLimiter:
    logger.warning("rate-limit storage unavailable, counting in memory", exc_info=exc)
    fallback: _Fallback = current_app.extensions[FALLBACK_KEY]
    fallback.until = time.monotonic() + FALLBACK_SECONDS
    return fallback.limiter


Keys = tuple[str, ...]
Action = Callable[[RateLimiter, RateLimitItem, Keys], bool]


def _within(strategy: RateLimiter, item: RateLimitItem, keys: Keys) -> bool:
    return strategy.test(item, *keys)


def _count(strategy: RateLimiter, item: RateLimitItem, keys: Keys) -> bool:
    return strategy.hit(item, *keys)


def _used(strategy: RateLimiter, item: RateLimitItem, keys: Keys) -> bool:
    return strategy.get_window_stats(item, *keys).remaining < item.amount


def _call(action: Action, item: RateLimitItem, keys: Keys) -> bool:
    try:
        return action(_strategy(), item, keys)
    except Exception as exc:  # pylint: disable=broad-exception-caught  # any storage failure
        return action(_storage_failed(exc), item, keys)


def _retry_after(items: Sequence[RateLimitItem], keys: Keys) -> int:
    def reset(strategy: RateLimiter) -> float:
        return max(strategy.get_window_stats(item, *keys).reset_time for item in items)

    try:
        reset_at = reset(_strategy())
    except Exception as exc:  # pylint: disable=broad-exception-caught
        reset_at = reset(_storage_failed(exc))
    return math.ceil(reset_at - time.time())


class LoginThrottle:
    """The three sign-in counters for one attempt: ``check()`` before the password is
    verified, ``failed()`` when it was wrong. Successful sign-ins are never counted."""

    def __init__(self, email: str) -> None:
        config = settings()
        prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
        address = client_address()
        account = email.strip().lower()
        self.rules: list[tuple[list[RateLimitItem], Keys]] = [
            (
                parse_many(config.login_limit_per_account_address),
                (prefix, "login-account-address", account, address),
            ),
            (parse_many(config.login_limit_per_account), (prefix, "login-account", account)),
            (parse_many(config.login_limit_per_address), (prefix, "login-address", address)),
        ]

    @staticmethod
    def _breached(items: list[RateLimitItem], keys: Keys) -> bool:
        return not all(_call(_within, item, keys) for item in items)

    def _has_failed_here(self) -> bool:
        items, keys = self.rules[0]
        return any(_call(_used, item, keys) for item in items)

    def check(self) -> None:
        """Raise 429 when this attempt must wait; the password is then not even verified."""
        (pair, pair_keys), (account, account_keys), (address, address_keys) = self.rules
        for items, keys in ((pair, pair_keys), (account, account_keys)):
            if self._breached(items, keys):
                raise RateLimited(_retry_after(items, keys))
        if self._breached(address, address_keys) and self._has_failed_here():
            raise RateLimited(_retry_after(address, address_keys))

    def failed(self) -> None:
        for items, keys in self.rules:
            for item in items:
                _call(_count, item, keys)


def _rate_limited(exc: RateLimitExceeded) -> Response:
    """Flask-Limiter's refusals (declared limits) in the API's error shape."""
    current = limiter.current_limit
    retry_after = max(1, math.ceil(current.reset_at - time.time())) if current else 60
    del exc
    return error_response(
        429,
        RateLimited.code,
        rate_limited_message(retry_after),
        headers={"Retry-After": str(retry_after)},
    )


def refuse_unshared_storage(config: Settings) -> None:
    """Production with several worker processes needs shared counters (Redis): each process
    counting on its own multiplies every documented limit by the number of workers."""
    if config.is_production and config.worker_processes > 1 and not config.redis_url:
        print(
            f"nexus: refusing to start: {config.worker_processes} worker processes "
            "(WEB_CONCURRENCY) need REDIS_URL: rate limits must be shared by every worker",
            file=sys.stderr,
        )
        raise SystemExit(2)


def _drop_the_global_check(app: Flask) -> None:
    """Flask-Limiter checks default and application-wide limits before every request. We
    declare none: every limit is a route's decorator, which checks its own route. The hook
    then only cost time: about a sixth of a request that does nothing else (``/health``,
    docs/performance.md). Declaring a default limit would need it back: refused here."""
    for option in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META"):
        if app.config.get(option):
            raise RuntimeError(f"{option} needs Flask-Limiter's before_request check")
    hooks = app.before_request_funcs.setdefault(None, [])
    # Flask-Limiter's only before_request hook is a method of the limiter.
    hooks[:] = [hook for hook in hooks if not _is_limiters(hook)]


# Where Flask-Limiter keeps a request's state: on the request context, made by the first use of
# the limiter in that request (a route's limit). The conditional deductions depend on it:
# tests/integration/scheduling/test_calendar_feed.py (unknown feed tokens throttled) holds them.
_LIMITER_STATE = "_limiter_request_context"


def _only_for_limited_requests(app: Flask) -> None:
    """Flask-Limiter's after_request (conditional deductions; its headers are off here) and
    teardown (forgetting the request's state) have nothing to do in a request that met no limit
    (~5 % of a ``/health`` request): they now run only when the limiter was used."""

    def used() -> bool:
        return hasattr(request_ctx, _LIMITER_STATE)

    def after(hook: Callable[..., Any]) -> Callable[[Response], Response]:
        def wrapped(response: Response) -> Response:
            return hook(response) if used() else response

        return wrapped

    def teardown(hook: Callable[..., Any]) -> Callable[[BaseException | None], None]:
        def wrapped(exc: BaseException | None = None) -> None:
            if used():
                hook(exc)

        return wrapped

    _wrap_the_limiters_hook(app.after_request_funcs.setdefault(None, []), after)
    _wrap_the_limiters_hook(app.teardown_request_funcs.setdefault(None, []), teardown)


def _wrap_the_limiters_hook(
    hooks: list[Any], wrap: Callable[[Callable[..., Any]], Callable[..., Any]]
) -> None:
    mine = [index for index, hook in enumerate(hooks) if _is_limiters(hook)]
    if len(mine) != 1:
        raise RuntimeError("expected one Flask-Limiter hook of each kind")
    hooks[mine[0]] = wrap(hooks[mine[0]])


def _is_limiters(hook: object) -> bool:
    owner = getattr(hook, "__self__", None)
    if owner is None and isinstance(hook, partial):
        owner = hook.args[0] if hook.args else None
    return owner is limiter


def init_app(app: Flask, config: Settings) -> None:
    refuse_unshared_storage(config)
    app.config.update(
        RATELIMIT_STORAGE_URI=config.redis_url or "memory://",
        RATELIMIT_STORAGE_OPTIONS=(
            {"socket_timeout": 0.5, "socket_connect_timeout": 0.5} if config.redis_url else {}
        ),
        RATELIMIT_STRATEGY="moving-window",
        # Retry-After is ours (_rate_limited); the X-RateLimit-* headers are not part of the API.
        RATELIMIT_HEADERS_ENABLED=False,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"{config.cache_key_prefix}ratelimit",
    )
    # Flask-Limiter keeps the first app's key prefix forever; the test suite builds one app per
    # test, each with its own Redis namespace, so the prefix is set for every app explicitly.
    limiter._key_prefix = app.config["RATELIMIT_KEY_PREFIX"]  # pylint: disable=protected-access
    limiter.init_app(app)
    _drop_the_global_check(app)
    _only_for_limited_requests(app)
    app.extensions[FALLBACK_KEY] = _Fallback(MovingWindowRateLimiter(MemoryStorage()))
    app.register_error_handler(RateLimitExceeded, _rate_limited)
