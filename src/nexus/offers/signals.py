"""What offers tell the layers above them (blinker signals, connected at app set-up)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

enrollment_created = _signals.signal(
    "enrollment-created",
    doc="An enrollment was flushed. Sender: the session; ``enrollment``, ``payer_id`` (the "
    "parent who enrolled, else None). Subscribers write in the same transaction.",
)
