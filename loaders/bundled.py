"""The bundled pilot-area maps: governance, Information Quality, People, and the 2013
Leicestershire risk register action plan (read by the risk-register adapter; its ids carry the
prefix its file name gives, `leics-2013-risk-R8`, which the other files use)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from graphmodel.store import Store

from .load import load
from .report import LoadReport

DATA = Path(__file__).with_name("data")
# A snapshot the demo keeps, as if taken after the panel's March meeting, so the direction of travel
# and the panel paper have something to compare with.
DEMO_SNAPSHOT = "JARAP March 2026"
DEMO_SNAPSHOT_AS_OF = dt.date(2026, 3, 31)
DEMO_FILES = ("governance.yaml", "information-quality.yaml", "people.yaml", "leics-2013-risk-register.txt")
TEMPLATE = DATA / "assurance-map-template.xlsx"


def demo_paths() -> list[Path]:
    return [DATA / name for name in DEMO_FILES]


def load_demo(store: Store) -> LoadReport:
    """Load the pilot maps in one all-or-nothing write, with the demo's snapshot when the store has
    none of that name; loading them again changes nothing."""
    from graphmodel.cycle import snapshots

    report = load(demo_paths(), store)
    if report.written and not any(i.name == DEMO_SNAPSHOT for i in store.list_snapshots()):
        snapshots.take(store, DEMO_SNAPSHOT, by="assurance-map demo", as_of=DEMO_SNAPSHOT_AS_OF)
    return report
