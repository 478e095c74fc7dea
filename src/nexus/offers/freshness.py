"""Which writes change the cached catalogue (``nexus.cache``, namespace ``offers``): any write
to an offer."""

from __future__ import annotations

from nexus.cache import Watch
from nexus.offers.models import Offer

NAMESPACE = "offers"

WATCHES: dict[type, Watch] = {Offer: Watch(NAMESPACE)}
