"""Scheduling's endpoints: sessions — catalogue, scheduling, cancellation, attendance, booking a
seat (:mod:`.sessions`) — and bookings seen from a student, a teacher's own schedule
(:mod:`.bookings`)."""
