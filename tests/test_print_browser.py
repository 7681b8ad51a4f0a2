"""Printing the dashboard and the heat map from headless Chromium, as a panel member would (with the
browser's background graphics off): A4 pages that keep their colours, leave the controls out, open
every overdue group, and show the direction of travel since the snapshot. The PDFs are read back
with pdfplumber and their pages rendered with pdftoppm (kept in artifacts/screenshots/print)."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from PIL import Image

from api.app import create_app
from api.settings import Settings
from graphmodel.cycle import acceptances
from graphmodel.store.embedded import EmbeddedStore
from loaders.bundled import load_demo
from tests.browser.chromium import visit
from tests.serving import Running
from viz import urls

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots" / "print"
AS_OF = "2026-06-30"
UNCOVERED_RED = (0xb2, 0x18, 0x2b)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("print") / "store.json")
    load_demo(store)  # with its snapshot, JARAP March 2026
    acceptances.accept(store, "G2", "PE-P2", by="JARAP, 31 March 2026", reason="PDR returns suffice for now",
                       review=dt.date(2026, 12, 31), on=dt.date(2026, 3, 31))
    settings = Settings(audit_log=tmp_path_factory.mktemp("audit") / "audit.jsonl")
    with Running(create_app(settings, store)) as base:
        yield base


def printed(browser, url: str, name: str) -> tuple[list[str], set[tuple[int, ...]]]:
    """The page printed to PDF: each page's text, and the fill colours drawn."""
    with visit(browser, url) as v:
        assert v.problems() == []
        data = v.page.pdf(format="A4", print_background=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(SHOTS / f"{name}.pdf"), str(SHOTS / name)], check=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        # A4 portrait: 595.3 x 841.9 points (Chromium rounds to whole pixels, within a point)
        assert all(abs(p.width - 595.3) < 1.5 and abs(p.height - 841.9) < 1.5 for p in pdf.pages)
        fills = {tuple(round(c * 255) for c in r["non_stroking_color"]) for p in pdf.pages for r in p.rects
                 if r.get("non_stroking_color") and len(r["non_stroking_color"]) == 3}
        return [p.extract_text() or "" for p in pdf.pages], fills


def test_the_dashboard_prints_with_its_colours_and_directions(app_url, browser):
    pages, fills = printed(browser, f"{app_url}{urls.dashboard_url()}?as_of={AS_OF}", "dashboard")
    text = "\n".join(pages)
    assert UNCOVERED_RED in fills  # colour kept with background graphics off
    assert "Since JARAP March 2026" in text and "↑ improved" in text
    assert "Whole map" not in text and "Severity any" not in text  # the navigation and filters are left out
    assert "Accepted by the panel (not open)" in text and "PDR returns suffice for now" in text
    assert "R3-A1" in text  # an overdue group closed on screen is open on paper
    first = sorted(SHOTS.glob("dashboard-*.png"))[0]
    with Image.open(first) as img:
        colours: set[Any] = {c for _, c in img.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert any(all(abs(a - b) <= 8 for a, b in zip(c, UNCOVERED_RED, strict=True)) for c in colours)


def test_the_heat_map_prints_on_one_a4_page(app_url, browser):
    pages, fills = printed(browser, f"{app_url}{urls.heatmap_url()}?as_of={AS_OF}", "heatmap")
    assert len(pages) == 1  # the ten pilot processes and the key fit one page
    text = pages[0]
    assert "Since JARAP" in text and "Leaver management" in text and "PE-P4" in text and "↑ improved" in text
    assert "Download this page" not in text
    assert UNCOVERED_RED in fills and len(fills) > 10  # the opinion shades too
