"""Import bombs: small files that would unpack, expand or scan to something huge are refused at once
by the document layer's caps (loaders/limits.py), naming the cap; files that are merely awkward
(whole-column merges, 60 KB lines) are read in time that grows with their size and no faster."""
from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from api.cli import main
from loaders import limits
from loaders.adapters import ADAPTERS
from loaders.load import parse_paths

from .helpers import as_role, is_problem, unchanged

EDITOR = as_role("editor")


def _finished(seconds: float, call):
    """Call, and fail if it has not returned by then: a liveness bound against runaway work, not a
    timing claim (the work here takes well under a second)."""
    box: dict = {}
    t = threading.Thread(target=lambda: box.setdefault("value", call()), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still working after {seconds} s"
    return box.get("value")


def _workbook(rows=(("id", "title"), ("R-B", "t")), title="risks") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _replace(package: bytes, part: str, write) -> bytes:
    """The package with one part replaced; `write(fh)` writes it (in pieces, so tests stay small)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in z.infolist():
            if item.filename == part:
                with bomb.open(_deflated(part), "w", force_zip64=True) as fh:
                    write(fh)
            else:
                bomb.writestr(item, z.read(item.filename))
        if part not in z.namelist():
            with bomb.open(_deflated(part), "w", force_zip64=True) as fh:
                write(fh)
    return out.getvalue()


def _deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _strings(mib: int):
    def write(fh):
        fh.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        chunk = b"<si><t>" + b"x" * 4000 + b"</t></si>"
        for _ in range(mib * 2**20 // len(chunk)):
            fh.write(chunk)
        fh.write(b"</sst>")
    return write


def _sheet(body: bytes, dimension: str = "A1:B2"):
    def write(fh):
        fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 b'<dimension ref="' + dimension.encode() + b'"/>' + body + b"</worksheet>")
    return write


CELLS = (b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is>'
         b'<t>title</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>R-B</t></is></c><c r="B2" '
         b't="inlineStr"><is><t>t</t></is></c></row></sheetData>')


def _bombs() -> dict[str, tuple[str, bytes, str | None]]:
    book = _workbook()
    merges = b"".join(b'<mergeCell ref="%s1:%s1048576"/>' % (c, c) for c in
                      (bytes([65 + i // 26, 65 + i % 26]) for i in range(200)))
    many = b"".join(b'<mergeCell ref="C%d:D%d"/>' % (i, i) for i in range(1, limits.MAX_MERGES + 2))
    far = CELLS.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    entities = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    pages = "".join(f"{i + 3} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >> endobj\n"
                    for i in range(limits.MAX_PAGES + 1))
    kids = " ".join(f"{i + 3} 0 R" for i in range(limits.MAX_PAGES + 1))
    pdf = (f"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [{kids}] "
           f"/Count {limits.MAX_PAGES + 1} >> endobj\n{pages}trailer << /Root 1 0 R >>\n%%EOF\n").encode()
    return {
        "shared strings unpacking to 100 MiB": ("map.xlsx", _replace(book, "xl/sharedStrings.xml", _strings(100)),
                                               "would unpack"),
        "a part that packs a thousand times": ("map.xlsx", _replace(book, "xl/sharedStrings.xml", _strings(3)),
                                              "compression bomb"),
        "a cell at XFD1048576": ("map.xlsx", _replace(book, "xl/worksheets/sheet1.xml", _sheet(far, "A1:XFD1048576")),
                                 "cells"),
        "more merged ranges than any sheet has": ("map.xlsx", _replace(book, "xl/worksheets/sheet1.xml", _sheet(
            CELLS + b'<mergeCells count="1">' + many + b"</mergeCells>")), "merged ranges"),
        "XML entities in a sheet": ("map.xlsx", _replace(book, "xl/worksheets/sheet1.xml", lambda fh: fh.write(
            b'<?xml version="1.0"?>' + entities + b'<worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'
            b"</sheetData></worksheet>")), ""),
        "a Word body unpacking to 100 MiB": ("paper.docx", _replace(_docx(), "word/document.xml", _strings(100)),
                                            "would unpack"),
        "more pages than any register": ("paper.pdf", pdf, "pages"),
        "a row of 5,000 columns": ("register.csv", ",".join(f"c{i}" for i in range(5000)).encode() + b"\nR1\n",
                                   "columns"),
        "a YAML row of 5,000 columns": ("map.yaml", b"risks:\n- {" + b", ".join(b"c%d: 1" % i for i in range(5000))
                                        + b"}\n", "columns"),
        "200 whole-column merges": ("map.xlsx", _replace(book, "xl/worksheets/sheet1.xml", _sheet(
            CELLS + b'<mergeCells count="200">' + merges + b"</mergeCells>", "A1:GR1048576")), None),
    }


def _docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Risk Item 1 - data quality")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


BOMBS = _bombs()


@pytest.mark.parametrize("name", BOMBS)
def test_import_bombs_are_refused_at_once_naming_the_cap(client, mapped, name):
    filename, data, words = BOMBS[name]
    with unchanged(mapped):
        r = _finished(120, lambda: client.post("/imports", params={"dry_run": True}, headers=EDITOR,
                                               files=[("files", (filename, data))]))
        if words is None:  # awkward, not a bomb: read (warnings for the merges), or refused for what it says
            assert r.status_code in (200, 422), r.text[:300]
            return
        body = is_problem(r, 422)
        said = " ".join(e["message"] for e in body["errors"])
        assert words in said and (filename in str(body["errors"]) or filename in said), said[:500]


@pytest.mark.parametrize("name", ["shared strings unpacking to 100 MiB", "more pages than any register",
                                  "a row of 5,000 columns"])
def test_the_command_line_refuses_them_the_same_way(tmp_path, capsys, name):
    filename, data, words = BOMBS[name]
    path = tmp_path / filename
    path.write_bytes(data)
    code = _finished(120, lambda: main(["--store", str(tmp_path / "store.json"), "load", str(path)]))
    err = capsys.readouterr().err
    assert code == 2 and words in err and "Traceback" not in err


def test_caps_on_size_and_cells_apply_to_every_reader(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(limits, "MAX_CELLS", 50)
    text = tmp_path / "register.txt"
    text.write_text("Risk Item 1 - data quality\n" + "x" * 2000 + "\n")
    csv = tmp_path / "risks.csv"
    csv.write_text("id,title\n" + "R,t\n" * 40)
    book = tmp_path / "map.xlsx"
    book.write_bytes(_workbook([("id", "title")] + [(f"R{i}", "t") for i in range(40)]))
    for path, words in ((text, "read up to"), (csv, "cells"), (book, "cells")):
        parsed = _finished(60, lambda p=path: parse_paths([p]))
        assert any(words in e.message for e in parsed.errors), (path.name, [str(e) for e in parsed.errors])


LONG = 60_000
LINES = {
    "a run of hashes": "#" * LONG, "a run of tabs": "\t" * LONG + "x", "a run of spaces": "x" + " " * LONG + "x",
    "commas": "a," * (LONG // 2), "refs and actions": "Ref 1.2 Action: " * (LONG // 16), "words": "Risk " * (LONG // 5),
    "open brackets": "(" * LONG, "a markdown heading": "# x" + " " * LONG + "y", "bold then spaces": "**x" + " " * LONG,
    "digits": "1" * LONG, "slashes": "1/" * (LONG // 2), "an arrow chain": "a > " * (LONG // 4),
    "ands": "a and " * (LONG // 6), "markers": "*" * LONG + " = public", "dashes": "- " * (LONG // 2),
    "times a year": "1" * LONG + " times a year", "route": "Audit" + " " * LONG + "reported",
}


@pytest.mark.parametrize("name", LINES)
def test_a_60_kb_line_is_read_in_its_time_by_every_layout(tmp_path, name):
    """Every pattern the readers and adapters use is linear (possessive quantifiers, anchored runs):
    a line made to make a backtracking pattern try every split of it is read as fast as any other."""
    for ext in (".txt", ".md", ".csv"):
        path = tmp_path / f"register{ext}"
        path.write_text("Risk Item 1 - data quality\n" + LINES[name] + "\nCurrent Risk Score - 6\n")
        for adapter in ("auto", *ADAPTERS):
            _finished(60, lambda p=path, a=adapter: parse_paths([p], a))


def test_a_long_line_beyond_any_field_is_refused_not_scanned(tmp_path):
    path = tmp_path / "register.txt"
    path.write_text("Risk Item 1\n" + "x" * (limits.MAX_LINE + 1) + "\n")
    parsed = parse_paths([path])
    assert any("characters long" in e.message for e in parsed.errors)


def test_the_caps_are_far_above_a_national_map(tmp_path):
    """A national-size map written as a workbook is read whole: the caps only stop what no real file is."""
    from loaders.synthetic import SIZES, generate, write

    path = tmp_path / "national.xlsx"
    write(generate(SIZES["national"] // 4, seed=3), path)
    limits.check_package(Path(path))
    parsed = parse_paths([path])
    assert not parsed.errors and len(parsed.nodes) > 10_000
