"""The booking rules that more than one place states: how late a booking may be cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta

CANCELLATION_NOTICE = timedelta(hours=24)


def cancellable_until(starts_at: datetime) -> datetime:
    """The last moment a student or parent may cancel a booking of a session (admins: until it
    starts)."""
    return starts_at - CANCELLATION_NOTICE


def too_late_to_cancel(starts_at: datetime, now: datetime) -> bool:
    return now > cancellable_until(starts_at)


def notice_hours() -> int:
    return int(CANCELLATION_NOTICE.total_seconds() // 3600)
