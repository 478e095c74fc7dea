"""Which writes change the cached content lists and searches (``nexus.cache``, namespace
``content``): any write to a bank item."""

from __future__ import annotations

from nexus.cache import Watch
from nexus.content.models import ContentItem

NAMESPACE = "content"

WATCHES: dict[type, Watch] = {ContentItem: Watch(NAMESPACE)}
