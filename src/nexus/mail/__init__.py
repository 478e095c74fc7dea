"""Transactional e-mail through an outbox table (docs/mail.md).

``enqueue(session, to_address=..., template=..., context=...)`` stores a rendered e-mail in the
caller's transaction; ``nexus worker`` delivers it over SMTP (or to .eml files).
"""

from nexus.mail.models import MailStatus, OutboxMessage
from nexus.mail.outbox import enqueue

__all__ = ["MailStatus", "OutboxMessage", "enqueue"]
