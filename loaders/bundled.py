"""The bundled pilot-area maps: governance, Information Quality, People, and the 2013
Leicestershire risk register action plan (read by the risk-register adapter; its ids carry the
prefix its file name gives, `leics-2013-risk-R8`, which the other files use)."""
from __future__ import annotations

from pathlib import Path

from graphmodel.store import Store

from .load import load
from .report import LoadReport

DATA = Path(__file__).with_name("data")
DEMO_FILES = ("governance.yaml", "information-quality.yaml", "people.yaml", "leics-2013-risk-register.txt")
TEMPLATE = DATA / "assurance-map-template.xlsx"


def demo_paths() -> list[Path]:
    return [DATA / name for name in DEMO_FILES]


def load_demo(store: Store) -> LoadReport:
    """Load the pilot maps in one all-or-nothing write; loading them again changes nothing."""
    return load(demo_paths(), store)
