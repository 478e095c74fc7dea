"""What families tell the layers that deliver notices by e-mail (blinker signals).

Each is sent with the caller's database session as sender, inside the transaction that wrote
the row, after the in-app notifications were queued; a subscriber writes in that transaction.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

report_written = _signals.signal(
    "report_written",
    doc="A session report was written or updated. Sender: the session; ``report``: the "
    "SessionReport; ``created``: True the first time; ``parent_ids``: who was notified.",
)
message_posted = _signals.signal(
    "message_posted",
    doc="A message was posted in a parent–teacher thread. Sender: the session; ``thread``: "
    "the Thread; ``message``: the ThreadMessage; ``recipient_id``: the other participant.",
)
