"""Personal data never leaves for the provider: e-mail addresses and French phone numbers."""

from __future__ import annotations

import re

EMAIL_PLACEHOLDER = "[email]"
PHONE_PLACEHOLDER = "[téléphone]"

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}", re.UNICODE)
# 06 12 34 56 78, 06.12.34.56.78, 06-12-34-56-78, 0612345678, +33 6 12 34 56 78,
# +33612345678, 0033 6 12 34 56 78, +33 (0)6 12 34 56 78.
_PHONE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00)\s?33[\s.-]?(?:\(0\)[\s.-]?)?|0)"
    r"[1-9](?:[\s.-]?\d{2}){4}"
    r"(?!\d)"
)


def redact(text: str) -> str:
    """``text`` with e-mail addresses and French phone numbers replaced by placeholders."""
    return _PHONE.sub(PHONE_PLACEHOLDER, _EMAIL.sub(EMAIL_PLACEHOLDER, text))
