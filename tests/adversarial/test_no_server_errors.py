"""No 500s: dates at the ends of the calendar or in the wrong form, huge or non-finite policy values,
unpaired surrogates, deep nesting, very long cells and file names, damaged workbooks, "billion
laughs" documents, and anything the server did not foresee: each a 4xx problem detail (or, for the
unforeseen, a 500 problem detail that shows nothing of the server), and on the command line the
same words without a traceback."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import Workbook

from api.cli import main
from graphmodel.store.embedded import EmbeddedStore
from loaders.bundled import demo_paths

from .helpers import as_role, is_problem, unchanged
from .routes import api_routes

BAD_DATES = ["0", "86400", "20140331", "0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01", "2024-02-30",
             "2024-1-1", "2024-01-01T00:00:00", "", "now", "１９９９-０１-０１", "-2024-01-01", "2024-01-01 "]


def _date_routes(app):
    out = []
    for method, url, entry in api_routes(app):
        fields = entry.route.dependant.query_params  # type: ignore[attr-defined]
        if method == "GET" and any(f.name == "as_of" for f in fields):
            out.append(url)
    return out


def test_every_route_that_takes_a_date_refuses_any_other_form(app, client, mapped):
    routes = _date_routes(app)
    assert len(routes) >= 15  # gaps, exports, every page
    with unchanged(mapped):
        for url in routes:
            for value in BAD_DATES:
                r = client.get(url, params={"as_of": value}, headers=as_role("admin"))
                if value.strip() in ("2024-01-01",):
                    continue
                is_problem(r, 422, "YYYY-MM-DD")
            ok = client.get(url, params={"as_of": "2999-12-31"}, headers=as_role("admin"))
            assert ok.status_code < 500 and "YYYY-MM-DD" not in ok.text, (url, ok.status_code, ok.text[:300])
            ok = client.get(url, params={"as_of": "1900-01-01"}, headers=as_role("admin"))
            assert ok.status_code < 500 and "YYYY-MM-DD" not in ok.text, (url, ok.status_code, ok.text[:300])


@pytest.mark.parametrize("value", [0, 86400, "0001-01-01", "9999-12-31", 20140331.0, True, None, [], {}])
def test_dates_in_bodies_follow_the_same_rule(client, mapped, value):
    with unchanged(mapped):
        for url in ("/gaps", "/gaps/what-if"):
            r = client.post(url, json={"as_of": value}, headers=as_role("analyst"))
            if value is None:
                assert r.status_code == 200
            else:
                is_problem(r, 422)
        if value is not None:
            r = client.post("/nodes/AssuranceSource", headers=as_role("editor"),
                            json={"id": "S-DATE", "name": "n", "line": 3, "last_assured": value})
            is_problem(r, 422, "last_assured")


POLICIES = [{"independent_months": 10 ** 30}, {"independent_months": 10 ** 6}, {"independent_months": -1},
            {"staleness_multiplier": 1e308}, {"staleness_multiplier": 0}, {"frequency_days": {"annual": 1e300}},
            {"year_days": 10 ** 9}, {"line_weights": {"3": 2}}, {"opinion_factors": {"none": -0.5}},
            {"severities": {"G1": "catastrophic"}}, {"nonsense": 1}, {"frequency_days": {"fortnightly": "x"}}]


@pytest.mark.parametrize("policy", POLICIES, ids=[json.dumps(p)[:40] for p in POLICIES])
def test_policies_out_of_bounds_are_refused(client, mapped, policy):
    with unchanged(mapped):
        for url in ("/gaps", "/gaps/what-if"):
            is_problem(client.post(url, json={"policy": policy}, headers=as_role("analyst")), 422)


@pytest.mark.parametrize("body", [
    b'{"policy": {"independent_months": NaN}}', b'{"policy": {"staleness_multiplier": Infinity}}',
    b'{"policy": {"staleness_multiplier": -Infinity}}', b'{"policy": {"staleness_multiplier": 1e999}}',
    b'{"as_of": "2024-01-01", "as_of": "1900-01-01"}', b'{"area": "\\ud800"}', b'{"area": "\\udfff x"}',
    b'{"policy": ' + b'{"a": ' * 200 + b"1" + b"}" * 201, b'[' * 100_000, b'{"x": 1' + b"0" * 5000 + b"}",
    b"\xef\xbb\xbf{}", "{\"area\": \"caf\xe9\"}".encode("latin-1"), b"", b"null", b"[]", b'"x"',
])
def test_json_that_is_not_acceptable_is_400_or_422(client, mapped, body):
    with unchanged(mapped):
        r = client.post("/gaps", content=body, headers={**as_role("analyst"), "Content-Type": "application/json"})
        assert r.status_code in (400, 422), (r.status_code, r.text[:300])
        is_problem(r, r.status_code)


def test_unpaired_surrogates_and_control_characters_never_reach_the_store(client, mapped):
    with unchanged(mapped):
        for name in ("\ud800", "a\udc00b", "nul\x00", "bell\x07", "\x1b[31mred"):
            body = json.dumps({"id": "R-X", "title": name}).encode()  # escapes: valid JSON text
            r = client.post("/nodes/Risk", content=body, headers={**as_role("editor"),
                                                                   "Content-Type": "application/json"})
            assert r.status_code in (400, 422), (name, r.status_code, r.text[:200])
            is_problem(r, r.status_code)
        r = client.get("/gaps?area=%ED%A0%80", headers=as_role("viewer"))  # a surrogate, as UTF-8 would have it
        assert r.status_code == 404  # read as U+FFFD, which names no area
        r = client.get("/nodes/Risk/%ED%A0%80", headers=as_role("viewer"))
        assert r.status_code == 404


# -- imports: damaged, bloated or hostile files ---------------------------------------------------

def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "risks"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _damaged(part: str, change) -> bytes:
    good = _workbook([["id", "title"], ["R-W", "t"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as z, zipfile.ZipFile(out, "w") as damaged:
        for item in z.infolist():
            data = z.read(item.filename)
            damaged.writestr(item, change(data) if item.filename.endswith(part) else data)
    return out.getvalue()


BILLION_LAUGHS = ("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                  "risks: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n")
XML_BOMB = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;'
            b'&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')
FILES = {
    "half a worksheet": ("map.xlsx", _damaged("sheet1.xml", lambda d: d[: len(d) // 2])),
    "no workbook part": ("map.xlsx", _damaged("workbook.xml", lambda d: b"<workbook")),
    "broken styles": ("map.xlsx", _damaged("styles.xml", lambda d: b"<<<")),
    "an XML entity bomb": ("map.xlsx", _damaged("sheet1.xml", lambda d: XML_BOMB + d[d.index(b"<worksheet"):])),
    "not a zip at all": ("map.xlsx", b"PK\x03\x04 not really"),
    "an empty workbook": ("map.xlsx", b""),
    "a billion laughs": ("map.yaml", BILLION_LAUGHS.encode()),
    "YAML nested deep": ("map.yaml", b"risks: " + b"[" * 5000 + b"]" * 5000),
    "YAML with a Python tag": ("map.yaml", b"risks: !!python/object/apply:os.system ['true']"),
    "JSON nested deep": ("map.json", b"[" * 100_000 + b"]" * 100_000),
    "JSON with NaN": ("map.json", b'{"risks": [{"id": "R-N", "title": "t", "score": NaN}]}'),
    "a cell beyond the CSV limit": ("risks.csv", b"id,title\nR-LONG," + b"x" * 200_000 + b"\n"),
    "a cell beyond the text limit": ("risks.csv", b"id,title\nR-LONG," + b"x" * 30_000 + b"\n"),
    "an id of 100,000 characters": ("risks.csv", b"id,title\n" + b"R" * 100_000 + b",t\n"),
    "a workbook cell of 32,767 characters": ("map.xlsx", _workbook([["id", "title"], ["R-X", "x" * 32_767]])),
    "not UTF-8": ("risks.csv", b"id,title\nR-U,\xff\xfe\xfd\x81\n"),
    "UTF-16 without a mark": ("risks.csv", "id,title\nR-U,t\n".encode("utf-16-le")),
    "binary noise": ("risks.csv", bytes(range(256)) * 64),
}


@pytest.mark.parametrize("name", FILES)
def test_damaged_and_bloated_imports_are_refused_with_the_file_named(client, mapped, name):
    filename, data = FILES[name]
    with unchanged(mapped):
        r = client.post("/imports", files=[("files", (filename, data))], headers=as_role("editor"))
        body = is_problem(r, 422)
        assert any(filename in str(e["loc"]) or filename in e["message"] for e in body["errors"]), body["errors"]


@pytest.mark.parametrize("filename", [
    "x" * 5000 + ".csv", "../../../../etc/passwd", "..\\..\\windows\\system.ini", "/abs/path/risks.csv",
    "nul\x00byte.csv", "risks.csv\r\nX-Injected: 1", "\u202egnp.csv", "CON", ".", "..", "", "risks.csv" + "/" * 50,
])
def test_upload_names_cannot_escape_or_break_anything(client, mapped, tmp_path, filename):
    with unchanged(mapped):
        r = client.post("/imports", params={"dry_run": True}, headers=as_role("editor"),
                        files=[("files", (filename, b"id,title\nR-NAME,t\n"))])
        assert r.status_code in (200, 400, 422), (r.status_code, r.text[:300])  # 400: a name no form can carry
        shown = json.dumps(r.json())
        assert "/etc/" not in shown and "\\windows" not in shown and str(tmp_path) not in shown
    assert not list((tmp_path / "uploads").glob("*/*"))  # nothing left behind


# -- the unforeseen --------------------------------------------------------------------------------

def test_an_unexpected_error_is_a_problem_detail_that_shows_nothing_of_the_server(app, mapped, monkeypatch, caplog):
    from fastapi.testclient import TestClient

    def broken(*_, **__):
        raise RuntimeError("/srv/secret/path: internal state 0xdeadbeef")

    monkeypatch.setattr(mapped, "list_nodes", broken)
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:
        r = client.get("/nodes/Process", headers=as_role("viewer"))
    body = is_problem(r, 500, "logged")
    assert "secret" not in r.text and "deadbeef" not in r.text and "Traceback" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    reference = body["detail"].rsplit("reference ", 1)[1].rstrip(")")
    assert any(reference in rec.getMessage() and rec.exc_info for rec in caplog.records)  # the server's log has it


def test_a_damaged_store_file_is_not_described_to_callers(tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app

    from .helpers import settings

    path = tmp_path / "map.json"
    store = EmbeddedStore(path)
    with TestClient(create_app(settings(tmp_path), store), base_url="http://localhost") as c:
        path.write_text("{not json")
        r = c.get("/nodes/Process", headers=as_role("viewer"))
        is_problem(r, 500, "server's log")
        assert str(tmp_path) not in r.text and "map.json" not in r.text


# -- the command line: the same words, no traceback ---------------------------------------------------

@pytest.mark.parametrize("argv, words", [
    (["gaps", "--as-of", "0001-01-01"], "outside the dates accepted"),
    (["gaps", "--as-of", "9999-12-31"], "outside the dates accepted"),
    (["gaps", "--as-of", "86400"], "not a date"),
    (["view", "--out", "x.html", "--as-of", "0001-01-01"], "outside the dates accepted"),
    (["gaps", "--area", "\udcff\udcfe"], "no process has this area"),
    (["gaps", "--rule", "G1\x00"], "G1"),
    (["view", "--out", "x" * 5000 + ".html"], ""),
    (["load", "x" * 5000 + ".csv"], "File name too long"),
])
def test_the_command_line_says_what_is_wrong_without_a_traceback(tmp_path, capsys, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "store.json"
    assert main(["--store", str(store), "load", *map(str, demo_paths())]) == 0
    capsys.readouterr()
    code = main(["--store", str(store), *argv])
    err = capsys.readouterr().err
    assert code in (1, 2) and "Traceback" not in err and words in err, (code, err[-500:])


@pytest.mark.parametrize("content, words", [
    ("independent_months: 1000000000000000000000000000\n", "less than or equal"),
    ("staleness_multiplier: .inf\n", "finite"),
    ("staleness_multiplier: .nan\n", "finite"),
    ("frequency_days: {annual: 1e400}\n", "finite"),
    ("a: &a [1, 1]\nb: [*a, *a]\n", "alias"),
    ("independent_months: 1\nindependent_months: 2\n", "given twice"),
    ("[" * 10_000, "nested"),
    ("\xff\xfe", "UTF-8"),
])
def test_policy_files_are_read_strictly(tmp_path, capsys, content, words):
    store = tmp_path / "store.json"
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(content.encode("latin-1") if content.startswith("\xff") else content.encode())
    code = main(["--store", str(store), "gaps", "--policy", str(policy)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and words in err, err[-500:]

