"""The content bank's schemas: an item created, updated and read (:mod:`.items`), lists, search
and facets (:mod:`.listing`)."""
