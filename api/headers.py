"""The headers every response carries: no sniffing of media types, no framing by other sites, a
Content-Security-Policy (pages load scripts only from this server; data runs nothing), nothing
kept in caches unless a route says so, and no referrer sent to other sites."""
from __future__ import annotations

from starlette.datastructures import MutableHeaders

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Inline styles only: the browser's own viewer styles an image, and SVG charts style their shapes.
DATA_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
                    "Cross-Origin-Resource-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin",
                    "Cache-Control": "no-store"}


def secure(headers: MutableHeaders, https: bool) -> None:
    """Add the headers every response carries, leaving those a route chose (Cache-Control on static
    assets, its own Content-Security-Policy) as they are."""
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    policy = headers.get("content-security-policy")
    if policy is None:
        html = headers.get("content-type", "").startswith("text/html")
        headers["Content-Security-Policy"] = PAGE_POLICY if html else DATA_POLICY
    elif "frame-ancestors" not in policy:
        headers["Content-Security-Policy"] = policy + "; frame-ancestors 'none'"
    if https:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")

