"""Demo data (French content, documented passwords). Every seeder is idempotent."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from nexus.demo import accounts, assessments
from nexus.demo import billing as demo_billing
from nexus.demo import content
from nexus.demo import mail as demo_mail
from nexus.demo import offers as demo_offers
from nexus.demo import people as demo_people
from nexus.demo import scheduling as demo_scheduling

# Each domain appends its seeder; they run in order and must be safe to run again.
SEEDERS: list[Callable[[Session], None]] = [
    accounts.seed,
    content.seed,
    demo_people.seed,
    demo_offers.seed,
    demo_billing.seed,
    demo_scheduling.seed,
    demo_billing.seed_last_year,
    assessments.seed,
    demo_mail.seed,
]


def seed_demo(session: Session) -> None:
    for seeder in SEEDERS:
        seeder(session)
        session.flush()
