"""People's schemas: student profiles, invitation codes and parent ↔ child links
(:mod:`.students`), teachers (:mod:`.teachers`)."""
