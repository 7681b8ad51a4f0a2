"""Answers that cost a lot to make (exports, images): within a budget, made a few at a time, and
kept while the map is the same.

- A map larger than `max_items` nodes and links is not exported whole: 422, naming the setting.
- At most `slots` are made at once; a request that has waited `wait` seconds for its turn is
  answered 503 (with Retry-After), so a burst of exports cannot take all the memory there is.
- What was made is kept with the gap reports and pages (api.bodies), by the store's version and the
  request's parameters: asking again for the same export of an unchanged map costs nothing, and a
  client that holds it is answered 304.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from graphmodel.errors import Problem, StoreUnavailable, ValidationError
from graphmodel.store import Store

from .bodies import Bodies, Body


class Busy(StoreUnavailable):
    """Too many costly answers are being made at once."""


class Costly:
    def __init__(self, max_items: int, bodies: Bodies | None = None, slots: int = 2, wait: float = 60.0):
        self.max_items = max_items
        self.bodies = bodies if bodies is not None else Bodies()
        self.wait = wait
        self._slots = threading.BoundedSemaphore(slots)

    def check_size(self, store: Store, what: str) -> None:
        """Refuse (422) to make `what` of a map beyond the budget."""
        counts = store.counts()
        items = counts.total_nodes + counts.total_edges
        if items > self.max_items:
            raise ValidationError([Problem(
                f"the map has {items:,} nodes and links; {what} is made only of maps up to {self.max_items:,} "
                "(ASSURANCE_MAP_MAX_EXPORT_ITEMS)", field="map", value=items)])

    def body(self, store: Store, key: Hashable, make: Callable[[], bytes], media_type: str,
             compressible: bool = True) -> Body:
        """`make()`'s bytes for `key` on the store as it is now: kept from before, or made in turn."""
        version = store.version()

        def in_turn() -> Body:
            if not self._slots.acquire(timeout=self.wait):
                raise Busy("the server is busy making other large exports; try again in a minute")
            try:
                return Body(make(), media_type, compressible)
            finally:
                self._slots.release()

        return self.bodies.get(None if version is None else ("costly", version, key), in_turn)
