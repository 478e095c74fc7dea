"""Flask-Limiter's global before_request check is dropped (no global limit is declared), while
the routes' own limits still apply (tests/integration/test_ratelimit.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from nexus.ratelimit import _drop_the_global_check, limiter


def test_no_limiter_hook_runs_before_every_request(app: Flask) -> None:
    hooks = app.before_request_funcs.get(None, [])
    assert hooks, "the app's own hooks are kept"
    assert all(getattr(hook, "__self__", None) is not limiter for hook in hooks)


def test_a_declared_default_limit_would_need_the_hook(app: Flask) -> None:
    app.config["RATELIMIT_DEFAULT"] = "100 per minute"
    with pytest.raises(RuntimeError, match="RATELIMIT_DEFAULT"):
        _drop_the_global_check(app)
