"""What notifications tell the layers above them: e-mail delivery (``nexus.mail``) copies
every notice to the recipients who want its category by e-mail."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

notified = _signals.signal(
    "notified",
    doc=(
        "A notice was given. Sender: the session; ``kind``, ``title``, ``body``; ``to``: the "
        "recipients (``preferences.Recipient``) who want its category by e-mail; ``keys``: "
        "for a notice given once (``notify_once``), each recipient's dedupe key, else None."
    ),
)
