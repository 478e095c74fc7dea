"""Assessments' services: recording, correcting and deleting marks (:mod:`.assessments`), a
student's progress (:mod:`.progress`)."""
