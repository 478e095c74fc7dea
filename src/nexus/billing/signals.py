"""What billing tells other layers and later subscribers (blinker signals)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

invoice_overdue = _signals.signal(
    "invoice-overdue",
    doc="An overdue reminder was recorded for an invoice. Sender: the session; ``document`` "
    "(the invoice), ``outstanding_cents``, ``recipient_ids`` (the users notified in-app). "
    "Sent in the reminding transaction: an e-mail subscriber queues its message there.",
)
