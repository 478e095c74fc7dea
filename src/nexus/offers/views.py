"""The offer catalogue and enrollments."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response, raw_json_response
from nexus.api.schemas import Page
from nexus.cache import cached_json, key_of
from nexus.db import db
from nexus.offers import enrollments, freshness, pricing, services
from nexus.offers.schemas import (
    EnrollmentCreate,
    EnrollmentPath,
    EnrollmentPublic,
    EnrollmentQuery,
    OfferCreate,
    OfferPath,
    OfferPublic,
    OfferQuery,
    OfferUpdate,
)

offers_bp = api_blueprint(
    "offers", __name__, url_prefix="/api/v1/offers", description="The catalogue of packages"
)
enrollments_bp = api_blueprint(
    "enrollments", __name__, url_prefix="/api/v1/enrollments", description="Hours bought"
)


@offers_bp.get("", responses={200: Page[OfferPublic], **errors(422)})
@allow(cached_read=True)
def list_offers(query: OfferQuery) -> Response:
    """Active offers (admins may add ``include_inactive=true``), cheapest first by default."""
    principal = current_principal()

    def page() -> str:
        items, total = services.list_offers(db.session, principal, query)
        return (
            Page[OfferPublic]
            .of([pricing.to_public(o) for o in items], query, total)
            .model_dump_json()
        )

    # The page depends on the query, for admins only on include_inactive, and on the prices'
    # settings.
    inactive = query.include_inactive and principal.role is Role.ADMIN
    key = key_of(inactive, pricing.price_variant(), query.model_dump_json())
    return raw_json_response(cached_json(freshness.NAMESPACE, key, page))


@offers_bp.get("/<int:offer_id>", responses={200: OfferPublic, **errors(404)})
@allow()
def get_offer(path: OfferPath) -> Response:
    """One offer (inactive offers exist for admins only)."""
    offer = services.get_offer(db.session, current_principal(), path.offer_id)
    return json_response(pricing.to_public(offer))


@offers_bp.post("", responses={201: OfferPublic, **errors(409, 422)})
@allow(Role.ADMIN)
def create_offer(body: OfferCreate) -> Response:
    """Add an offer to the catalogue."""
    offer = services.create_offer(db.session, current_principal(), body)
    return json_response(pricing.to_public(offer), 201)


@offers_bp.patch("/<int:offer_id>", responses={200: OfferPublic, **errors(404, 422)})
@allow(Role.ADMIN)
def update_offer(path: OfferPath, body: OfferUpdate) -> Response:
    """Change an offer (price, hours, activation…); existing enrollments keep their terms."""
    offer = services.update_offer(db.session, current_principal(), path.offer_id, body)
    return json_response(pricing.to_public(offer))


@offers_bp.delete("/<int:offer_id>", responses={204: None, **errors(404, 409)})
@allow(Role.ADMIN)
def delete_offer(path: OfferPath) -> Response:
    """Delete an offer nobody enrolled in (otherwise deactivate it)."""
    services.delete_offer(db.session, current_principal(), path.offer_id)
    return Response(status=204)


@enrollments_bp.post("", responses={201: EnrollmentPublic, **errors(404, 409, 422)})
@allow(Role.PARENT, Role.ADMIN)
def create_enrollment(body: EnrollmentCreate) -> Response:
    """Enrol a student in an active offer (parents: their linked children only)."""
    enrollment = enrollments.enroll(db.session, current_principal(), body)
    return json_response(enrollments.to_public(enrollment), 201)


@enrollments_bp.get("", responses={200: Page[EnrollmentPublic], **errors(422)})
@allow(Role.STUDENT, Role.PARENT, Role.ADMIN)
def list_enrollments(query: EnrollmentQuery) -> Response:
    """Enrollments the caller may see (own, children's, or all for admins), newest first."""
    items, total = enrollments.list_enrollments(db.session, current_principal(), query)
    return json_response(
        Page[EnrollmentPublic].of([enrollments.to_public(e) for e in items], query, total)
    )


@enrollments_bp.get("/<int:enrollment_id>", responses={200: EnrollmentPublic, **errors(404)})
@allow(Role.STUDENT, Role.PARENT, Role.ADMIN)
def get_enrollment(path: EnrollmentPath) -> Response:
    """One enrollment with its hours bought, used and remaining."""
    enrollment = enrollments.get_enrollment(db.session, current_principal(), path.enrollment_id)
    return json_response(enrollments.to_public(enrollment))
