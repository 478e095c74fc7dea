"""Demo accounts. The passwords are public on purpose (README); never used in production."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from nexus.accounts import services
from nexus.accounts.roles import Role


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: Role
    first_name: str
    last_name: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@nexus-reussite.fr", "Direction2026!demo", Role.ADMIN, "Claire", "Dubois"),
    DemoAccount("prof.nsi@nexus-reussite.fr", "Prof2026!demo", Role.TEACHER, "Marc", "Lefèvre"),
    DemoAccount("prof.maths@nexus-reussite.fr", "Prof2026!demo", Role.TEACHER, "Sophie", "Bernard"),
    DemoAccount(
        "prof.physique@nexus-reussite.fr", "Prof2026!demo", Role.TEACHER, "Karim", "Haddad"
    ),
    DemoAccount("parent@nexus-reussite.fr", "Famille2026!demo", Role.PARENT, "Isabelle", "Moreau"),
    DemoAccount("lucas@nexus-reussite.fr", "Eleve2026!demo", Role.STUDENT, "Lucas", "Moreau"),
    DemoAccount("emma@nexus-reussite.fr", "Eleve2026!demo", Role.STUDENT, "Emma", "Moreau"),
    DemoAccount("ines@nexus-reussite.fr", "Eleve2026!demo", Role.STUDENT, "Inès", "Benali"),
)


# Where the demo family's invoices are made out to.
DEMO_ADDRESSES = {"parent@nexus-reussite.fr": "8 rue des Lilas\n69003 Lyon"}


def seed(session: Session) -> None:
    for account in DEMO_ACCOUNTS:
        if services.find_by_email(session, account.email) is None:
            services.create_user(
                session,
                email=account.email,
                password=account.password,
                role=account.role,
                first_name=account.first_name,
                last_name=account.last_name,
            )
    for email, address in DEMO_ADDRESSES.items():
        user = services.find_by_email(session, email)
        if user is not None and not user.postal_address:
            user.postal_address = address
