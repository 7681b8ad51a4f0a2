"""Answers that cost a lot to make (exports, images): within a budget, made a few at a time, and
kept while the map is the same.

- A map larger than `max_items` nodes and links is not exported whole: 422, naming the setting.
- At most `slots` are made at once; a request that has waited `wait` seconds for its turn is
  answered 503 (with Retry-After), so a burst of exports cannot take all the memory there is.
- What was made is kept, by the store's version and the request's parameters, in at most
  `cache_bytes` (least recently used first out): asking again for the same export of an unchanged
  map costs nothing.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from graphmodel.errors import Problem, StoreUnavailable, ValidationError
from graphmodel.store import Store


class Busy(StoreUnavailable):
    """Too many costly answers are being made at once."""


class Costly:
    def __init__(self, max_items: int, slots: int = 2, wait: float = 60.0, cache_bytes: int = 128 << 20):
        self.max_items = max_items
        self.wait = wait
        self.cache_bytes = cache_bytes
        self._slots = threading.BoundedSemaphore(slots)
        self._cache: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def check_size(self, store: Store, what: str) -> None:
        """Refuse (422) to make `what` of a map beyond the budget."""
        counts = store.counts()
        items = counts.total_nodes + counts.total_edges
        if items > self.max_items:
            raise ValidationError([Problem(
                f"the map has {items:,} nodes and links; {what} is made only of maps up to {self.max_items:,} "
                "(ASSURANCE_MAP_MAX_EXPORT_ITEMS)", field="map", value=items)])

    def bytes(self, store: Store, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """`make()`'s bytes for `key` on the store as it is now: kept from before, or made in turn."""
        version = store.version()
        full = (version, key)
        if version is not None:
            with self._lock:
                found = self._cache.get(full)
                if found is not None:
                    self._cache.move_to_end(full)
                    return found
        if not self._slots.acquire(timeout=self.wait):
            raise Busy("the server is busy making other large exports; try again in a minute")
        try:
            data = make()
        finally:
            self._slots.release()
        if version is not None and len(data) <= self.cache_bytes // 2:
            with self._lock:
                if full not in self._cache:
                    self._cache[full] = data
                    self._size += len(data)
                while self._size > self.cache_bytes:
                    _, old = self._cache.popitem(last=False)
                    self._size -= len(old)
        return data
