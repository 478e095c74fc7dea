"""Issuing attestations fiscales: one per family and year, stored immutable with its PDF and
SHA-256 (``billing_tax_certificates``), the family's parents told in the app (and by e-mail).

Idempotent: a family that already has its certificate for the year is skipped, and the
``UNIQUE (family_id, year)`` constraint backs that up; the insert runs in a savepoint, so a
concurrent run that issued it first only costs this one a skipped family.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.billing.attestation_pdf import render_certificate
from nexus.billing.attestations import (
    CertificateFigures,
    certificate_figures,
    ensure_year_ended,
    families_paying_in,
)
from nexus.billing.models import TaxCertificate
from nexus.config import BusinessIdentity, Settings
from nexus.errors import NotFound
from nexus.language import _, force_locale, formats
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import notify
from nexus.people.access import is_parent_of, parents_of


def figures_json(figures: CertificateFigures) -> dict[str, Any]:
    return {
        "family_id": figures.family_id,
        "year": figures.year,
        "client_name": figures.client_name,
        "client_address": figures.client_address,
        "amount_cents": figures.amount_cents,
        "excluded_cents": figures.excluded_cents,
        "minutes": figures.minutes,
        "invoices": [
            {
                "document_id": s.document_id,
                "number": s.number,
                "total_ttc_cents": s.total_ttc_cents,
                "eligible_cents": s.eligible_cents,
                "paid_in_year_cents": s.paid_in_year_cents,
                "excluded_cents": s.excluded_cents,
                "eligible_paid_cents": s.eligible_paid_cents,
            }
            for s in figures.invoices
        ],
        "interventions": [
            {
                "on": i.on.isoformat(),
                "teacher": i.teacher,
                "student": i.student,
                "minutes": i.minutes,
            }
            for i in figures.interventions
        ],
    }


def issued_certificate(session: Session, family_id: int, year: int) -> TaxCertificate | None:
    return session.scalar(
        select(TaxCertificate).where(
            TaxCertificate.family_id == family_id, TaxCertificate.year == year
        )
    )


def _recipients(session: Session, family: User) -> list[int]:
    if family.role is Role.STUDENT:
        return parents_of(session, family.id) or [family.id]
    return [family.id]


def issue_certificates(session: Session, year: int, seller: BusinessIdentity, today: date) -> int:
    """Issue the missing certificates of ``year`` (ended); how many were issued."""
    ensure_year_ended(year, today)
    issued = 0
    for family_id in families_paying_in(session, year):
        if issued_certificate(session, family_id, year) is not None:
            continue
        family = session.get_one(User, family_id)
        figures = certificate_figures(session, family, year, seller.tax_credit_rule)
        if figures.amount_cents <= 0:
            continue
        data = render_certificate(figures, seller, today)
        row = TaxCertificate(
            family_id=family_id,
            year=year,
            amount_cents=figures.amount_cents,
            figures=figures_json(figures),
            pdf=data,
            sha256=hashlib.sha256(data).hexdigest(),
            issued_on=today,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue  # issued by a concurrent run
        with force_locale("fr"):
            title = _("Your tax certificate for %(year)s is available", year=year)
            body = _(
                "Your tax certificate for %(year)s is available: %(amount)s paid for "
                "services that open the 50%% tax credit.",
                year=year,
                amount=formats.money(figures.amount_cents),
            )
        notify(
            session,
            _recipients(session, family),
            NotificationKind.TAX_CERTIFICATE,
            title,
            body,
            {"family_id": family_id, "year": year, "certificate_id": row.id},
        )
        issued += 1
    return issued


@dataclass(frozen=True)
class FoundCertificate:
    public: dict[str, Any]
    stored: TaxCertificate | None
    figures: CertificateFigures | None


def certified_family(session: Session, principal: Principal, family_id: int) -> User:
    """Admins: any family; a parent: their own, or their child's when billed to the child;
    anyone else (other parents, students, teachers) gets a 404."""
    family = session.get(User, family_id)
    if family is not None and principal.role is Role.ADMIN:
        return family
    if family is not None and principal.role is Role.PARENT:
        if principal.user_id == family_id:
            return family
        if family.role is Role.STUDENT and is_parent_of(session, principal.user_id, family_id):
            return family
    raise NotFound(_("Family not found."))


def family_certificate(
    session: Session,
    principal: Principal,
    family_id: int,
    year: int,
    settings: Settings,
    today: date,
) -> FoundCertificate:
    family = certified_family(session, principal, family_id)
    ensure_year_ended(year, today)
    stored = issued_certificate(session, family.id, year)
    if stored is not None:
        public = {**stored.figures, "issued": True}
        public |= {"issued_on": stored.issued_on, "sha256": stored.sha256}
        return FoundCertificate(public, stored, None)
    figures = certificate_figures(session, family, year, settings.billing_business.tax_credit_rule)
    public = {**figures_json(figures), "issued": False, "issued_on": None, "sha256": None}
    return FoundCertificate(public, None, figures)


def family_certificate_pdf(
    session: Session,
    principal: Principal,
    family_id: int,
    year: int,
    settings: Settings,
    today: date,
) -> bytes:
    """The stored PDF once issued; before that, drawn up today (404 with nothing to certify)."""
    found = family_certificate(session, principal, family_id, year, settings, today)
    if found.stored is not None:
        return found.stored.pdf
    assert found.figures is not None
    if found.figures.amount_cents <= 0:
        raise NotFound(
            _("No payment for eligible services was received in %(year)s.", year=year),
            code="no_eligible_payment",
        )
    return render_certificate(found.figures, settings.billing_business, today)
