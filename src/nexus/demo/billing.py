"""Demo invoices: every demo enrollment without one gets its invoice (idempotent)."""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.billing.models import BillingDocument
from nexus.billing.subscriptions import invoice_enrollment
from nexus.config import BusinessIdentity
from nexus.offers.models import Enrollment


def seed(session: Session) -> None:
    seller = (
        current_app.extensions["settings"].billing_business
        if has_app_context()
        else BusinessIdentity()
    )
    invoiced = select(BillingDocument.enrollment_id).where(
        BillingDocument.enrollment_id.is_not(None)
    )
    pending = session.scalars(
        select(Enrollment).where(Enrollment.id.not_in(invoiced)).order_by(Enrollment.id)
    ).all()
    for enrollment in pending:
        buyer = session.get(User, enrollment.enrolled_by_id) if enrollment.enrolled_by_id else None
        payer_id = buyer.id if buyer is not None and buyer.role is Role.PARENT else None
        invoice_enrollment(session, enrollment, payer_id, seller)
