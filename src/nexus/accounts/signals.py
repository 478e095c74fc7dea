"""What accounts tell the layers above them (blinker signals, connected at app set-up).

Accounts sit below auditing, notifications and e-mail delivery: rather than calling them, a
service sends a signal with the caller's session as sender; each subscriber writes its rows in
that transaction. The recovery signals carry what an e-mail needs (the raw token exists only
in the signal: the database keeps its hash).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

registration_with_existing_email = _signals.signal(
    "registration-with-existing-email",
    doc="Someone tried to register with a taken e-mail. Sender: the session; ``user``: its owner.",
)
verification_requested = _signals.signal(
    "verification-requested",
    doc="Send ``token`` to ``user.email`` to prove the address. Sender: the session.",
)
email_verified = _signals.signal(
    "email-verified", doc="``user`` proved their address. Sender: the session."
)
password_reset_requested = _signals.signal(
    "password-reset-requested",
    doc="Send the reset ``token`` to ``user.email``. Sender: the session.",
)
password_changed = _signals.signal(
    "password-changed",
    doc="``user``'s password was changed (``via``: 'change' or 'reset'). Sender: the session.",
)
email_change_requested = _signals.signal(
    "email-change-requested",
    doc="Send ``token`` to ``new_address`` (not to ``user.email``). Sender: the session.",
)
email_changed = _signals.signal(
    "email-changed",
    doc="``user.email`` is now the new address; ``old_address`` was theirs. Sender: the session.",
)
