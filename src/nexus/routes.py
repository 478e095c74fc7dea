"""Every API blueprint, in the order they appear in /docs, what the domains tell the response
cache and the access rules, and who subscribes to whose signals."""

from __future__ import annotations

from flask_openapi3.blueprint import APIBlueprint

from nexus.accounts.views import bp as auth_bp
from nexus.admin.views import bp as admin_bp
from nexus.aria.views import blueprints as aria_blueprints
from nexus.assessments.queries import assessed_students
from nexus.assessments.views import bp as assessments_bp
from nexus.assessments.views import progress_bp
from nexus.audit import subscriptions as audit_subscriptions
from nexus.audit.views import bp as audit_bp
from nexus.billing import subscriptions as billing_subscriptions
from nexus.billing.prices import PRICER
from nexus.billing.quote_views import invoices_bp as billing_invoices_bp
from nexus.billing.quote_views import quotes_bp as billing_quotes_bp
from nexus.billing.views import bp as billing_bp
from nexus.billing.views import families_bp as billing_families_bp
from nexus.cache import Watches
from nexus.catalogue import freshness as catalogue_freshness
from nexus.catalogue.views import bp as catalogue_bp
from nexus.content import freshness as content_freshness
from nexus.content.views import bp as content_bp
from nexus.dashboards import freshness as dashboards_freshness
from nexus.dashboards.views import bp as dashboards_bp
from nexus.families.views import reports_bp as session_reports_bp
from nexus.families.views import threads_bp
from nexus.mail import subscriptions as mail_subscriptions
from nexus.mail.views import admin_bp as mail_admin_bp
from nexus.mail.views import bp as mail_bp
from nexus.notifications import subscriptions as notification_subscriptions
from nexus.notifications.views import bp as notifications_bp
from nexus.offers import freshness as offers_freshness
from nexus.offers.pricing import Pricer
from nexus.offers.views import enrollments_bp, offers_bp
from nexus.people.access import TeachingRelation
from nexus.people.slots import BusyTeachers
from nexus.people.views.students import parents_bp, students_bp
from nexus.people.views.teachers import bp as teachers_bp
from nexus.privacy.views import bp as privacy_bp
from nexus.probes import bp as ops_bp
from nexus.reports.views import bp as reports_bp
from nexus.scheduling.rules import booked_students, teachers_busy
from nexus.scheduling.views.bookings import bp as bookings_bp
from nexus.scheduling.views.calendar import bp as calendar_bp
from nexus.scheduling.views.series import bp as series_bp
from nexus.scheduling.views.sessions import bp as sessions_bp


def cache_watches() -> tuple[Watches, ...]:
    """What each domain with cached reads says its models' writes change (``nexus.cache``)."""
    return (
        content_freshness.WATCHES,
        offers_freshness.WATCHES,
        dashboards_freshness.WATCHES,
        catalogue_freshness.WATCHES,
    )


def teaching_relations() -> tuple[TeachingRelation, ...]:
    """What makes a teacher one of a student's teachers (``nexus.people.access``)."""
    return (booked_students, assessed_students)


def teacher_schedule() -> tuple[BusyTeachers, ...]:
    """What keeps a teacher from a free slot in the directory (``nexus.people.slots``)."""
    return (teachers_busy,)


def offer_pricer() -> Pricer:
    """Who prices the offers' public JSON (``nexus.offers.pricing``): billing's VAT rule."""
    return PRICER


def connect_subscribers() -> None:
    """The domains that act on lower domains' signals (``nexus.accounts.signals``)."""
    notification_subscriptions.connect()
    audit_subscriptions.connect()
    billing_subscriptions.connect()
    mail_subscriptions.connect()


def blueprints() -> tuple[APIBlueprint, ...]:
    return (
        ops_bp,
        auth_bp,
        students_bp,
        parents_bp,
        teachers_bp,
        offers_bp,
        enrollments_bp,
        catalogue_bp,
        sessions_bp,
        series_bp,
        bookings_bp,
        session_reports_bp,
        threads_bp,
        calendar_bp,
        notifications_bp,
        admin_bp,
        content_bp,
        *aria_blueprints(),
        assessments_bp,
        progress_bp,
        reports_bp,
        dashboards_bp,
        privacy_bp,
        audit_bp,
        billing_bp,
        mail_bp,
        mail_admin_bp,
        billing_families_bp,
        billing_quotes_bp,
        billing_invoices_bp,
    )
