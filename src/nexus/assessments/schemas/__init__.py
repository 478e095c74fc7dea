"""Assessments' schemas: marks recorded, corrected and listed (:mod:`.assessments`), a student's
progress (:mod:`.progress`)."""
