"""What accounts tell the layers above them (blinker signals, connected at app set-up).

Accounts sit below auditing and notifications: rather than calling them, a service sends a
signal with the caller's session; each subscriber writes its rows in that transaction.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

registration_with_existing_email = _signals.signal(
    "registration-with-existing-email",
    doc="Someone tried to register with a taken e-mail. Sender: the session; ``user``: its owner.",
)
