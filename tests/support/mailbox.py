"""The test's mailbox: what accounts hand to the e-mail layer (nexus.accounts.signals)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from nexus.accounts import signals
from nexus.accounts.models import User


@dataclass(frozen=True)
class Mail:
    kind: str
    to: str
    token: str | None


@dataclass
class Mailbox:
    sent: list[Mail] = field(default_factory=list)

    def on_verification(self, _sender: Any, *, user: User, token: str) -> None:
        self.sent.append(Mail("verify", user.email, token))

    def on_reset(self, _sender: Any, *, user: User, token: str) -> None:
        self.sent.append(Mail("reset", user.email, token))

    def on_email_change(self, _sender: Any, *, user: User, new_address: str, token: str) -> None:
        del user
        self.sent.append(Mail("email_change", new_address, token))

    def on_password_changed(self, _sender: Any, *, user: User, via: str) -> None:
        self.sent.append(Mail(f"password_changed:{via}", user.email, None))

    def token(self, kind: str, to: str) -> str:
        """The token of the last e-mail of that kind sent to that address."""
        tokens = [m.token for m in self.sent if m.kind == kind and m.to == to]
        assert tokens, f"no {kind} e-mail to {to}: {self.sent}"
        token = tokens[-1]
        assert token is not None
        return token

    def to(self, address: str) -> list[str]:
        return [m.kind for m in self.sent if m.to == address]


@contextmanager
def capturing() -> Iterator[Mailbox]:
    box = Mailbox()
    receivers: list[tuple[Any, Callable[..., None]]] = [
        (signals.verification_requested, box.on_verification),
        (signals.password_reset_requested, box.on_reset),
        (signals.email_change_requested, box.on_email_change),
        (signals.password_changed, box.on_password_changed),
    ]
    for signal, receiver in receivers:
        signal.connect(receiver)
    try:
        yield box
    finally:
        for signal, receiver in receivers:
            signal.disconnect(receiver)
