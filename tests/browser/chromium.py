"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, kept off the network.

Every request a page makes is routed: requests to 127.0.0.1 (and local files) go through, anything else
is recorded and aborted, so a test can fail on it. Console errors, page errors and
dialogs (an injected alert would open one) are recorded too.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage"]
LOCAL_HOSTS = {"127.0.0.1"}


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """One page opened in its own context, with what it did besides drawing."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"console: {m}" for m in self.console_errors] + [f"error: {m}" for m in self.page_errors]
                + [f"outside request: {u}" for u in self.outside_requests]
                + [f"dialog: {m}" for m in self.dialogs])


@contextmanager
def visit(browser: Browser, url: str, *, viewport=(1400, 900), headers: dict[str, str] | None = None
          ) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                  extra_http_headers=headers)
    page = context.new_page()
    v = Visit(page)

    def route(r) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("file", "data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            v.outside_requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: v.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: v.page_errors.append(str(e)))

    def dialog(d) -> None:
        v.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    try:
        page.goto(url, wait_until="load")
        yield v
    finally:
        context.close()
