"""Import in the browser, in headless Chromium against the real app over HTTP: upload papers, see the
layout, column map and every warning and error with its place, adjust the map, then write or cancel.
The preview / write / cancel routes behind the page are tested here too."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from graphmodel.store.embedded import EmbeddedStore
from tests.browser.chromium import chromium, visit
from tests.papers import render
from tests.serving import Running
from viz import urls

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots" / "import"
READY = "() => Boolean(window.assuranceMap && window.assuranceMap.ready)"
HOSTILE_PLAN = ("Objective 5: <b>Keep</b> the office safe\n"
                "Ref\tAction\tTimescale\tOwner\tOfficer remarks\tRAG\n"
                "5.1\t<img src=x onerror=alert(1)> Review access\tJun-24\tSM\tStarted\tG\n"
                "5.2\tCheck the alarm log\t31/02/2024\tSM\tNot yet\tA\n")


@pytest.fixture()
def served(tmp_path):
    store = EmbeddedStore(tmp_path / "store.json")
    settings = Settings(audit_log=tmp_path / "audit.jsonl")
    with Running(create_app(settings, store)) as base:
        yield base, store
    store.close()


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    return render("delivery-plan", tmp_path_factory.mktemp("papers"))


def shot(v, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_preview_write_and_cancel_routes(served, papers):
    base, store = served
    with httpx.Client(base_url=base) as client:
        docx = papers["docx"]
        r = client.post("/imports/preview", files=[("files", (docx.name, docx.read_bytes()))], data={"prefix": "NS"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["dry_run"] and not body["written"] and store.counts().total_nodes == 0
        (preview,) = body["previews"]
        assert preview["file"] == "delivery-plan.docx" and preview["adapter"] == "delivery-plan"
        columns = {c["header"]: c for c in preview["tables"][0]["columns"]}
        assert columns["Sponsor (SMG)"]["field"] == "sponsor" and columns["R/A/G"]["confidence"] == 1.0
        assert "status" in preview["fields"]
        columns = {**preview["mapping"]["columns"], "Sponsor (SMG)": "ignore"}
        r = client.post(f"/imports/{body['token']}",
                        json={"adapter": "delivery-plan", "prefix": "NS", "columns": columns})
        assert r.status_code == 200, r.text
        assert r.json()["written"] and store.node("NS-1.1").sponsor is None and store.node("NS-1.1").owner == "JB"
        assert client.post(f"/imports/{body['token']}", json={}).status_code == 404  # used up
        r = client.post("/imports/preview", files=[("files", (docx.name, docx.read_bytes()))])
        token = r.json()["token"]
        assert client.delete(f"/imports/{token}").status_code == 204
        assert client.post(f"/imports/{token}", json={}).status_code == 404


def test_import_page_previews_adjusts_and_writes(served, tmp_path):
    base, store = served
    plan = tmp_path / "plan.txt"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    with chromium() as browser, visit(browser, base + urls.import_url()) as v:
        v.page.wait_for_function(READY)
        v.page.set_input_files("input[type=file]", str(plan))
        v.page.fill("input[name=prefix]", "OF")
        v.page.click("button[type=submit]")
        v.page.wait_for_selector("section.file-preview")
        text = v.page.inner_text("#preview")
        assert "Read as delivery-plan" in text and "Officer remarks" in text
        assert v.page.locator("select[data-header='Officer remarks']").input_value() == "ignore"
        assert "plan.txt, row 4, column Timescale: not a real date" in text  # every error with its place
        shot(v, "preview-with-error")
        v.page.click("#write")
        v.page.wait_for_selector("section.errors")
        assert store.counts().total_nodes == 0  # an error: nothing written
        plan.write_text(HOSTILE_PLAN.replace("31/02/2024", "28/02/2024"), encoding="utf-8")
        v.page.set_input_files("input[type=file]", str(plan))
        v.page.click("button[type=submit]")
        v.page.wait_for_selector("#write")
        v.page.select_option("select[data-header='Officer remarks']", "update")
        shot(v, "preview-adjusted")
        v.page.click("#write")
        v.page.wait_for_selector("p.summary.written")
        assert "written" in v.page.inner_text("p.summary")
        assert store.node("OF-5.2").update == "Not yet"  # the column the editor named
        assert store.node("OF-5.1").title == "Review access"  # no markup reaches a title
        assert v.page.locator("img[src='x']").count() == 0
        shot(v, "written")
        assert [p for p in v.problems() if "422" not in p] == []  # the refused write answers 422


def test_import_page_cancel_writes_nothing(served, papers):
    base, store = served
    with chromium() as browser, visit(browser, base + urls.import_url()) as v:
        v.page.wait_for_function(READY)
        v.page.set_input_files("input[type=file]", [str(papers["pdf"]), str(papers["xlsx"])])
        v.page.click("button[type=submit]")
        v.page.wait_for_selector("#cancel")
        assert v.page.locator("section.file-preview").count() == 2
        v.page.click("#cancel")
        v.page.wait_for_selector("text=Cancelled: nothing was written.")
        assert store.counts().total_nodes == 0
        assert v.problems() == []


pytestmark = pytest.mark.browser
