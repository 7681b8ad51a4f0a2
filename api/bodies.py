"""Response bodies made once and sent many times: serialised once per store version and question,
compressed once per content coding a client asks for, and answered 304 Not Modified when the
client already holds them (a strong ETag and If-None-Match)."""
from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import brotli
from fastapi import Request
from fastapi.responses import Response

# Fast settings: a national report (about 9 MB of JSON) compresses to about a twelfth in a few
# hundred milliseconds, once; the top settings would take seconds for a few per cent more.
CODERS: dict[str, Callable[[bytes], bytes]] = {
    "br": lambda data: brotli.compress(data, quality=5),
    "gzip": lambda data: gzip.compress(data, compresslevel=6, mtime=0),
}
SMALLEST_WORTH_COMPRESSING = 1024


class Body:
    """One representation's bytes, its strong ETag, and its compressed forms as they are asked for."""

    def __init__(self, data: bytes, media_type: str, compressible: bool = True):
        """`compressible`: False for formats that are compressed already (PNG, workbooks)."""
        self.data = data
        self.media_type = media_type
        self.compressible = compressible
        self.tag = hashlib.blake2b(data, digest_size=16).hexdigest()
        self._coded: dict[str, bytes] = {}
        self._coded_bytes = 0
        self._lock = threading.Lock()

    def etag(self, coding: str | None) -> str:
        """Each coding is its own representation, so its own strong tag."""
        return f'"{self.tag}-{coding}"' if coding else f'"{self.tag}"'

    @property
    def size(self) -> int:
        return len(self.data) + self._coded_bytes  # read without the lock: a compression may be under way

    def coded(self, coding: str | None) -> bytes:
        if coding is None:
            return self.data
        with self._lock:  # a second request for the same coding waits for the first to finish it
            found = self._coded.get(coding)
            if found is None:
                found = self._coded[coding] = CODERS[coding](self.data)
                self._coded_bytes += len(found)
        return found

    def matches(self, if_none_match: str) -> bool:
        """Whether the client already holds this content, in any coding (If-None-Match compares
        tags weakly: a W/ prefix does not matter)."""
        if if_none_match.strip() == "*":
            return True
        held = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return any(self.etag(c) in held for c in (None, *CODERS))

    def response(self, request: Request, headers: dict[str, str] | None = None) -> Response:
        coding = chosen_coding(request.headers.get("accept-encoding", "")) \
            if self.compressible and len(self.data) >= SMALLEST_WORTH_COMPRESSING else None
        # Cache-Control stays the guard's no-store (the map is not to be kept on shared machines):
        # the 304 serves clients that keep the ETag themselves, as programs polling the API do.
        sent = {"ETag": self.etag(coding), "Vary": "Accept-Encoding", **(headers or {})}
        if self.matches(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=sent)
        if coding:
            sent["Content-Encoding"] = coding
        return Response(self.coded(coding), media_type=self.media_type, headers=sent)


def chosen_coding(accept_encoding: str) -> str | None:
    """The best content coding the client accepts (q > 0), brotli before gzip; None for identity."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name:
            accepted[name.strip()] = q
    for coding in CODERS:
        if accepted.get(coding, accepted.get("*", 0.0)) > 0:
            return coding
    return None


class Bodies:
    """Bodies kept by a key that names the store version and the question asked, in at most
    `cache_bytes` (their compressed forms counted too; least recently used first out): gap reports,
    pages, exports and images alike."""

    def __init__(self, cache_bytes: int = 128 << 20):
        self.cache_bytes = cache_bytes
        self._bodies: OrderedDict[Hashable, Body] = OrderedDict()
        self._making: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable | None, make: Callable[[], Body]) -> Body:
        """The body kept under `key`, else `make()`'s, kept; requests that arrive while it is being
        made wait for it rather than make it again. A None key (a store that cannot say its
        version) is never kept."""
        if key is None:
            return make()
        with self._lock:
            found = self._kept(key)
            making = self._making.setdefault(key, threading.Lock()) if found is None else None
        if making is None:
            return found  # type: ignore[return-value]
        with making:
            with self._lock:
                found = self._kept(key)
            if found is not None:
                return found
            try:
                body = make()
            finally:
                with self._lock:
                    self._making.pop(key, None)
            with self._lock:
                self._bodies[key] = body
                self._trim()
            return body

    def _kept(self, key: Hashable) -> Body | None:
        found = self._bodies.get(key)
        if found is not None:
            self._bodies.move_to_end(key)
            self._trim()  # its compressed forms may have grown it since it was kept
        return found

    def _trim(self) -> None:
        size = sum(b.size for b in self._bodies.values())
        while size > self.cache_bytes and len(self._bodies) > 1:
            _, old = self._bodies.popitem(last=False)
            size -= old.size
        if size > self.cache_bytes:  # one body beyond the whole budget is not kept either
            self._bodies.clear()
