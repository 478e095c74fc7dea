"""The public catalogue: readable without signing in, throttled per address, cached."""

from __future__ import annotations

from flask import Response, current_app

from nexus.accounts.permissions import public
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, raw_json_response
from nexus.api.schemas import Page
from nexus.cache import cached_json, key_of
from nexus.catalogue import freshness, services
from nexus.catalogue.schemas import CatalogueOffer, CatalogueOfferQuery, CatalogueTeacher
from nexus.config import Settings
from nexus.db import db
from nexus.offers import freshness as offers_freshness
from nexus.offers.pricing import price_variant
from nexus.offers.schemas import OfferPath
from nexus.people.schemas.teachers import TeacherQuery
from nexus.ratelimit import limiter

bp = api_blueprint(
    "catalogue",
    __name__,
    url_prefix="/api/v1/catalogue",
    description="The public catalogue: offers with their prices, teachers",
)


def _settings() -> Settings:
    settings: Settings = current_app.extensions["settings"]
    return settings


def catalogue_limit() -> str:
    return _settings().catalogue_limit_per_address


def _price_key() -> str:
    # The prices depend on the seller's VAT settings as well as on the offers.
    return key_of("catalogue", price_variant())


throttled = limiter.shared_limit(catalogue_limit, scope="catalogue-address")


@bp.get("/offers", responses={200: Page[CatalogueOffer], **errors(422, 429)})
@public
@throttled
def list_offers(query: CatalogueOfferQuery) -> Response:
    """Active offers with their prices HT/TTC and, apart, the price after the tax credit."""

    def page() -> str:
        items, total = services.list_offers(db.session, query)
        return Page[CatalogueOffer].of(items, query, total).model_dump_json()

    key = key_of(_price_key(), "list", query.model_dump_json())
    return raw_json_response(cached_json(offers_freshness.NAMESPACE, key, page))


@bp.get("/offers/<int:offer_id>", responses={200: CatalogueOffer, **errors(404, 422, 429)})
@public
@throttled
def get_offer(path: OfferPath) -> Response:
    """One active offer with its prices (an inactive offer is a 404)."""

    def offer() -> str:
        return services.get_offer(db.session, path.offer_id).model_dump_json()

    key = key_of(_price_key(), "offer", path.offer_id)
    return raw_json_response(cached_json(offers_freshness.NAMESPACE, key, offer))


@bp.get("/teachers", responses={200: Page[CatalogueTeacher], **errors(422, 429)})
@public
@throttled
def list_teachers(query: TeacherQuery) -> Response:
    """Active teachers: first name, initial, subjects, levels and the start of their bio."""

    def page() -> str:
        items, total = services.list_teachers(db.session, query)
        return Page[CatalogueTeacher].of(items, query, total).model_dump_json()

    return raw_json_response(cached_json(freshness.TEACHERS, query.model_dump_json(), page))
