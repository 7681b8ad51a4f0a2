"""The panel paper: one document model from either store, written as PDF (read back with pdfplumber,
its pages rendered with pdftoppm) and as Word (read back with python-docx); the template, bounds on
a large map, hostile text, the command line and the API."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from api.cli import main
from graphmodel.cycle import acceptances, snapshots
from graphmodel.errors import ValidationError
from graphmodel.store.embedded import EmbeddedStore
from loaders.synthetic import generate, write_to_store
from paper.command import make_paper, render
from paper.document import Document, Paragraph, Table
from paper.template import Template
from tests.test_api import as_role, settings
from tests.test_gaps_rules import put
from tests.test_panel_cycle import JUNE, MARCH, first_map, second_map

PAPER_DATE = dt.date(2024, 7, 31)
SECTIONS = ["Purpose and recommendation", "Coverage by area", "Heat map", "High-severity findings",
            "Changes since JARAP March 2024", "Accepted gaps and reviews due", "Overdue actions by risk",
            "Appendix: every finding"]
UNCOVERED_RED = (0xb2, 0x18, 0x2b)


def cycle_map(store) -> None:
    """A snapshot in March, then the map moves on. Gaps accepted: one since resolved, one in force,
    one due for review soon, and one lapsed because its process changed after it was accepted."""
    first_map(store)
    snapshots.take(store, "JARAP March 2024", by="officer", as_of=MARCH)
    acceptances.accept(store, "G2", "P-REC", by="JARAP, 31 March 2024", reason="Spot checks suffice until the audit",
                       review=dt.date(2024, 9, 30), on=MARCH)
    second_map(store)
    for rule, node, reason, review in (("G5", "P-INC", "HMICFRS re-inspects in the autumn", dt.date(2025, 6, 30)),
                                       ("G10", "S-IA2", "A second audit is planned", dt.date(2024, 8, 31)),
                                       ("G1", "P-TRN", "Training is assured from next year", dt.date(2025, 3, 31))):
        acceptances.accept(store, rule, node, by="JARAP, 30 June 2024", reason=reason, review=review, on=JUNE)
    put(store, [("Process", {"id": "P-TRN", "name": "Training", "area": "People", "owner": "HR Director"})])


def paper(store, **kw) -> Document:
    return make_paper(store, as_of=PAPER_DATE, **kw)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    """The paper of the cycle map, written once as PDF and Word."""
    store = EmbeddedStore(tmp_path_factory.mktemp("paper") / "map.json")
    cycle_map(store)
    doc = paper(store)
    return {"pdf": render(doc, "pdf"), "docx": render(doc, "docx")}


def pdf_text(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_both_stores_give_the_same_paper(store_factory):
    docs = []
    for kind in ("embedded", "neo4j"):
        s = store_factory(kind)
        cycle_map(s)
        docs.append(paper(s))
    assert docs[0] == docs[1]
    assert [s.title for s in docs[0].sections] == SECTIONS


def test_the_pdf_reads_back_in_the_order_of_a_panel_paper(files):
    pages = pdf_text(files["pdf"])
    text = "\n".join(pages)
    positions = [text.index(f"{n}. {title}") for n, title in enumerate(SECTIONS, 1)]
    assert positions == sorted(positions)
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        assert all((round(p.width), round(p.height)) == (595, 842) for p in pdf.pages)  # A4 in points
        fills = {tuple(round(c * 255) for c in r["non_stroking_color"]) for p in pdf.pages for r in p.rects
                 if r.get("non_stroking_color") and len(r["non_stroking_color"]) == 3}
    for n, page in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in page
    assert UNCOVERED_RED in fills  # colours are kept
    # Purpose and recommendation from the template, with its placeholders filled in.
    assert "assurance map as it stood on 2024-07-31" in text and "since JARAP March 2024" in text
    assert "Of 4 key processes, 2 are adequately assured (50%), 1 weakly assured and 1 not assured at all" in text
    # Coverage with direction: People improved (leavers assured), a second cue besides the colour.
    assert re.search(r"People\s+3\s+1\s+0\s+2\s+67%.*↑ improved", text)
    # Heat map with ids and the class column.
    assert re.search(r"Leaver management\s+P-LEAVE\s+✔ adequate", text)
    assert re.search(r"Training\s+P-TRN\s+✖ uncovered", text) and "+ new" in text
    # High-severity findings in plain words, with owners.
    high = text[text.index("4. High-severity findings"):text.index("5. Changes since")]
    assert "Training" in high and "No source of assurance covers it" in high and "HR Director" in high
    # Changes since the snapshot: the removed process and the resolved finding.
    changes = text[text.index("5. Changes since"):text.index("6. Accepted gaps")]
    assert "removed" in changes and "Recruitment" in changes and "G9 Overdue action" in changes
    # Accepted gaps: the one whose process was removed is resolved; the other is in force.
    accepted = text[text.index("6. Accepted gaps"):text.index("7. Overdue actions")]
    assert "finding resolved" in accepted and "in force" in accepted and "HMICFRS re-inspects" in accepted
    assert "due for review" in accepted and "lapsed" in accepted and "the evidence has" in accepted
    # Overdue actions grouped by risk, with RAG and direction.
    overdue = text[text.index("7. Overdue actions"):text.index("Appendix: every finding\n")]
    assert "Risk R1: Vetting backlog" in overdue and "Clear the vetting backlog" in overdue
    assert "green" in overdue and "↑ improved" in overdue
    appendix = text[text.rindex("Appendix: every finding"):]
    assert "G5" in appendix and "accepted" in appendix


def test_the_pdf_pages_render_as_images_with_their_colours(files, tmp_path):
    (tmp_path / "paper.pdf").write_bytes(files["pdf"])
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(tmp_path / "paper.pdf"), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pdf_text(files["pdf"]))
    colours: set[Any] = set()
    for path in images:
        with Image.open(path) as img:
            assert img.size[1] > img.size[0]  # portrait
            colours |= {c for _, c in img.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert any(all(abs(a - b) <= 6 for a, b in zip(c, UNCOVERED_RED, strict=True)) for c in colours)


def test_the_word_paper_reads_back(files):
    d = docx.Document(io.BytesIO(files["docx"]))
    section = d.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml and "NUMPAGES" in section.footer.paragraphs[0]._p.xml
    headings = [p.text for p in d.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == [f"{n}. {t}" for n, t in enumerate(SECTIONS, 1)]
    assert d.paragraphs[1].text == "Assurance map report"
    cells = [(c.text, c._tc.xml) for t in d.tables for row in t.rows for c in row.cells]
    uncovered = [xml for text, xml in cells if text.startswith("✖ uncovered")]
    assert uncovered and 'w:fill="B2182B"' in uncovered[0]
    assert any(text.startswith("↑ improved") for text, _ in cells)
    assert all("w:tblHeader" in t.rows[0]._tr.xml for t in d.tables)  # headers repeat on each page
    assert all("w:cantSplit" in row._tr.xml for t in d.tables for row in t.rows[1:])  # rows stay whole
    assert any(text.startswith("in force") for text, _ in cells)


def test_a_template_of_your_own(tmp_path):
    store = EmbeddedStore(tmp_path / "map.json")
    cycle_map(store)
    own = tmp_path / "words.yaml"
    own.write_text("title: Report to JARAP, {as_of}\norganisation: West Mercia OPCC\n"
                   "recommendation: |\n  The panel is asked to note the {due} review(s) due.\n"
                   "limits: {appendix: 3}\n", encoding="utf-8")
    doc = paper(store, template=Template.load(own))
    assert doc.title == "Report to JARAP, 2024-07-31" and doc.organisation == "West Mercia OPCC"
    purpose = doc.sections[0].blocks
    assert any(getattr(b, "text", "") == "The panel is asked to note the 1 review(s) due." for b in purpose)
    assert "This paper gives the Joint Audit" in getattr(purpose[1], "text", "")  # the default's purpose stays
    appendix = [b for b in doc.sections[-1].blocks if isinstance(b, Table)][-1]
    assert len(appendix.rows) == 3
    assert paper(store, title="JARAP 12 September 2024").title == "JARAP 12 September 2024"
    for text, message in [("purpose: 'As of {date}'", "unknown placeholder {date}"), ("colour: red", "unknown key"),
                          ("title: 'a {'", "write {{ or }}"), ("limits: {appendix: 0}", "from 1 to 5000"),
                          ("review_due_within_days: soon", "whole number of days"), ("- a list", "a map of keys")]:
        own.write_text(text, encoding="utf-8")
        with pytest.raises(ValidationError, match=re.escape(message)):
            Template.load(own)
    with pytest.raises(ValidationError, match="U\\+0007"):
        paper(store, title="bell\x07")


def test_a_large_map_keeps_the_paper_bounded(tmp_path):
    store = EmbeddedStore(tmp_path / "map.json")
    write_to_store(generate(900, seed=3), store)
    doc = make_paper(store, as_of=dt.date(2026, 3, 31))
    heat = [b for b in doc.sections[2].blocks if isinstance(b, Table)][0]
    processes = store.counts().nodes["Process"]
    assert sum(1 for row in heat.rows if row[1].text) == 150 < processes
    notes = [b.text for s in doc.sections for b in s.blocks if isinstance(b, Paragraph) and b.note]
    assert f"150 of {processes} processes (the weakest first) are listed here" in " ".join(notes)
    assert any(n.startswith("150 of ") and "findings" in n for n in notes)
    with pdfplumber.open(io.BytesIO(render(doc, "pdf"))) as pdf:
        assert len(pdf.pages) < 60
        assert "(the weakest first) are listed here" in "".join(p.extract_text() or "" for p in pdf.pages[:3])


def test_hostile_text_is_text(tmp_path):
    store = EmbeddedStore(tmp_path / "map.json")
    put(store, [("Process", {"id": "P<1>", "name": "<b>Vetting</b> & 'slip'", "area": "People & <HR>",
                             "owner": "=HYPERLINK(\"x\")"})])
    doc = make_paper(store, as_of=PAPER_DATE, title="<script>alert(1)</script>")
    text = "\n".join(pdf_text(render(doc, "pdf")))
    assert "<script>alert(1)</script>" in text and "<b>Vetting</b> &" in text and "People & <HR>" in text
    d = docx.Document(io.BytesIO(render(doc, "docx")))
    words = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "<b>Vetting</b> & 'slip'" in words and "People & <HR>" in words


def test_the_command_writes_both_formats_from_one_build(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSURANCE_MAP_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    path = tmp_path / "map.json"
    with EmbeddedStore(path) as store:
        cycle_map(store)
    out = [tmp_path / "paper.pdf", tmp_path / "paper.docx"]
    assert main(["--store", str(path), "paper", "--out", str(out[0]), "--out", str(out[1]), "--as-of", "2024-07-31",
                 "--since", "jarap march 2024", "--title", "JARAP September 2024"]) == 0
    assert out[0].read_bytes().startswith(b"%PDF") and docx.Document(str(out[1])).paragraphs[1].text == \
        "JARAP September 2024"
    assert main(["--store", str(path), "paper", "--out", str(tmp_path / "paper.html")]) == 2
    assert "written as .pdf or .docx" in capsys.readouterr().err
    assert main(["--store", str(path), "paper", "--out", str(tmp_path / "x.pdf"), "--since", "JARAP May"]) == 2
    assert not (tmp_path / "x.pdf").exists()
    # As a shell runs it: one line said, and nothing of the layout engine's progress on standard error.
    run = subprocess.run([sys.executable, "-m", "api.cli", "--store", str(path), "paper", "--out",
                          str(tmp_path / "y.pdf"), "--as-of", "2024-07-31"], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], env={**os.environ})
    assert run.returncode == 0 and run.stdout.startswith("Wrote ") and run.stderr == "", run.stderr


def test_papers_over_http(store, tmp_path):
    cycle_map(store)
    with TestClient(create_app(settings(tmp_path, keys=True), store)) as client:
        pdf = client.get("/papers/current.pdf", params={"as_of": "2024-07-31"}, headers=as_role("viewer"))
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert 'filename="panel-paper-2024-07-31.pdf"' in pdf.headers["content-disposition"]
        assert "Changes since JARAP March 2024" in "\n".join(pdf_text(pdf.content))
        word = client.get("/papers/current.docx", params={"as_of": "2024-07-31", "title": "JARAP <September>"},
                          headers=as_role("viewer"))
        assert word.status_code == 200 and docx.Document(io.BytesIO(word.content)).paragraphs[1].text == \
            "JARAP <September>"
        assert client.get("/papers/current.pdf", params={"since": "nope"}, headers=as_role("viewer")).status_code \
            == 404
        assert client.get("/papers/current.pdf").status_code == 401
        assert client.get("/papers/current.html", headers=as_role("viewer")).status_code in (404, 422)


def test_no_snapshot_yet_says_so(tmp_path):
    store = EmbeddedStore(tmp_path / "map.json")
    first_map(store)
    doc = make_paper(store, as_of=MARCH)
    assert doc.sections[4].title == "Changes since the last snapshot"
    assert "No snapshot has been taken yet" in getattr(doc.sections[4].blocks[0], "text", "")
    assert isinstance(Path(__file__), Path)
