"""ARIA's schemas: conversations and messages (:mod:`.conversations`), the tutoring tools
(:mod:`.tutoring`), the usage report (:mod:`.admin`)."""
