"""Many readers and an import at once, over real HTTP: no errors, and nobody sees half an import."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from api.app import create_app
from api.settings import Settings
from loaders.bundled import load_demo
from tests.serving import Running

READERS = 12
NEW_RISKS = 3000


def test_readers_and_an_import_at_once(store, tmp_path):
    load_demo(store)
    before = store.counts().total_nodes
    csv = "id,title,score\n" + "".join(f"CONC-{i},Concurrent risk {i},{i % 25 + 1}\n" for i in range(NEW_RISKS))
    app = create_app(Settings(audit_log=tmp_path / "audit.jsonl"), store)
    with Running(app) as base:
        importing = threading.Event()
        done = threading.Event()

        def read() -> list[tuple[int, int | None]]:
            seen: list[tuple[int, int | None]] = []
            with httpx.Client(base_url=base, timeout=60) as client:
                importing.wait(30)
                while not done.is_set() or len(seen) < 3:
                    health = client.get("/health")
                    page = client.get("/nodes/Risk", params={"limit": 5})
                    gaps = client.get("/gaps", params={"rule": "G8"})
                    total = health.json()["counts"] and sum(health.json()["counts"]["nodes"].values())
                    seen += [(health.status_code, total), (page.status_code, None), (gaps.status_code, None)]
            return seen

        with ThreadPoolExecutor(READERS) as pool:
            futures = [pool.submit(read) for _ in range(READERS)]
            with httpx.Client(base_url=base, timeout=120) as client:
                importing.set()
                response = client.post("/imports", files=[("files", ("risks.csv", csv.encode()))])
            done.set()
            results = [r for f in futures for r in f.result()]

    assert response.status_code == 200, response.text
    assert {status for status, _ in results} == {200}
    totals = {total for _, total in results if total is not None}
    assert totals <= {before, before + NEW_RISKS}, "a reader saw part of an import"
    assert store.counts().total_nodes == before + NEW_RISKS
    assert store.get_node(f"CONC-{NEW_RISKS - 1}").score == (NEW_RISKS - 1) % 25 + 1
