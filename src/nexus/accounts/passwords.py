"""argon2id password hashing and the password policy.

Each hash takes ``argon2_memory_cost_kib`` (19 MiB) and two passes over it on one lane (OWASP's
first recommended setting; ~40-50 ms of CPU here, docs/performance.md "Logins"); production
refuses anything below OWASP's set (``nexus.config.argon2_meets_owasp``), and a hash made with
other parameters is redone at the next successful sign-in. At most
``password_hash_concurrency`` (default 1) run at once in a process: a burst of logins then
queues for the hasher instead of running 8 at a time (2 workers x 4 threads), which thrashed
the CPU caches so that each login took seconds, and bounds the memory to one hash per process.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type
from flask import Flask, current_app

from nexus.config import Settings
from nexus.errors import Unprocessable
from nexus.language import _

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "motdepasse1",
        "azertyuiop1",
        "1234567890",
        "qwertyuiop1",
        "nexusreussite1",
        "bonjour1234",
        "soleil12345",
    }
)
POLICY = (
    f"{MIN_LENGTH} to {MAX_LENGTH} characters, at least one letter and one digit, not a common "
    "password, not containing the e-mail's local part"
)
EXTENSION_KEY = "nexus.password_hasher"
GATE_KEY = "nexus.password_hash_gate"


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[EXTENSION_KEY] = PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
        type=Type.ID,
    )
    app.extensions[GATE_KEY] = threading.BoundedSemaphore(settings.password_hash_concurrency)


def _hasher() -> PasswordHasher:
    hasher: PasswordHasher = current_app.extensions[EXTENSION_KEY]
    return hasher


def check_policy(password: str, email: str = "") -> None:
    """Raise a 422 naming ``password`` when it is too weak."""
    problem = None
    if len(password) < MIN_LENGTH:
        problem = _("The password must be at least %(count)s characters long.", count=MIN_LENGTH)
    elif len(password) > MAX_LENGTH:
        problem = _("The password must be at most %(count)s characters long.", count=MAX_LENGTH)
    elif not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        problem = _("The password must contain at least one letter and one digit.")
    elif password.lower() in COMMON_PASSWORDS:
        problem = _("The password is too common.")
    elif email and len(local := email.split("@")[0].lower()) >= 4 and local in password.lower():
        problem = _("The password must not contain your e-mail address.")
    if problem:
        raise Unprocessable(problem, field="password", code="weak_password")


def _gate() -> threading.BoundedSemaphore:
    gate: threading.BoundedSemaphore = current_app.extensions[GATE_KEY]
    return gate


def hash_password(password: str) -> str:
    with _gate():
        return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        with _gate():
            return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend the time a verification takes, so unknown e-mails cannot be told apart."""
    verify_password(_dummy_hash(), password)


def _dummy_hash() -> str:
    cached: str | None = current_app.extensions.get("nexus.dummy_hash")
    if cached is None:
        cached = hash_password("dummy-password-0")
        current_app.extensions["nexus.dummy_hash"] = cached
    return cached
