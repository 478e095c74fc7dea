"""ARIA's safety screen: every student message is read before ARIA answers (docs/aria.md)."""
