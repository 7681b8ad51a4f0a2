"""An analyst's session through a Python client generated from the server's /openapi.json.

The client is generated at test time with openapi-python-client (pinned in the test dependencies),
from the document a running server serves, imported, and used as an analyst would: list the gaps,
narrow them by area and rule, explain one finding, ask what withdrawing a source would do, and export
the findings as CSV. Every answer is checked as the generated model types, not as dicts: the
document must describe the server well enough for a generator to type it.
"""
from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from api.app import create_app
from api.auth import digest
from api.settings import Settings
from loaders.bundled import load_demo
from tests.serving import Running

pytestmark = pytest.mark.contract

KEYS = {"analyst": "generated-client-analyst-key", "viewer": "generated-client-viewer-key"}
AS_OF = dt.date(2026, 3, 31)
PACKAGE = "assurance_map_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@contextmanager
def generated(base_url: str, where: Path) -> Iterator[dict[str, ModuleType]]:
    """Generate the client from the served document into `where`, and import the parts the session uses
    (the package stays importable until the block ends: its models import each other lazily)."""
    with urllib.request.urlopen(f"{base_url}/openapi.json") as response:  # noqa: S310 (loopback)
        (where / "openapi.json").write_bytes(response.read())
    (where / "config.yaml").write_text("post_hooks: []\n")  # no formatter run: the code is only imported
    run = subprocess.run([str(GENERATOR), "generate", "--path", str(where / "openapi.json"), "--meta", "none",
                          "--config", str(where / "config.yaml"), "--output-path", str(where / PACKAGE)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(where))
    try:
        names = ["", ".client", ".models", ".api.gaps.list_gaps", ".api.gaps.gaps_of_node", ".api.gaps.what_if",
                 ".api.exports.export_findings_csv", ".api.nodes.list_assurance_source"]
        yield {name.rsplit(".", 1)[-1] or "package": importlib.import_module(PACKAGE + name) for name in names}
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]  # the next test generates its own


@pytest.fixture
def served(store, tmp_path):
    load_demo(store)
    entries = ",".join(f"{r}-user:{r}:{digest(k)}" for r, k in KEYS.items())
    with Running(create_app(Settings(audit_log=tmp_path / "audit.jsonl", api_keys=entries), store)) as base_url, \
            generated(base_url, tmp_path) as modules:
        yield base_url, modules


def test_an_analysts_session_with_a_generated_client(served):
    base_url, gen = served
    m = gen["models"]
    client = gen["client"].AuthenticatedClient(base_url=base_url, token=KEYS["analyst"])

    # Every finding, with the summary typed down to each rule's count.
    report = gen["list_gaps"].sync(client=client, as_of=AS_OF)
    assert isinstance(report, m.GapReportOut) and report.as_of == AS_OF
    assert report.findings
    assert all(isinstance(f, m.FindingOut) and isinstance(f.rule, m.RuleId) for f in report.findings)
    assert isinstance(report.summary, m.SummaryOut) and isinstance(report.summary.by_rule, m.FindingsByRule)
    assert report.summary.findings == len(report.findings) == sum(report.summary.by_rule.to_dict().values())
    assert isinstance(report.policy, m.Policy) and report.policy.independent_months == 36

    # Narrowed to one area and two rules.
    people = gen["list_gaps"].sync(client=client, as_of=AS_OF, area="People", rule=[m.RuleId.G1, m.RuleId.G3])
    assert isinstance(people, m.GapReportOut) and people.findings
    assert {f.rule for f in people.findings} <= {m.RuleId.G1, m.RuleId.G3}
    assert {f.area for f in people.findings} == {"People"}
    assert all(isinstance(a.status, m.Status) for a in people.assessments)

    # One finding explained: its reasons, and its process's score source by source.
    finding = next(f for f in report.findings if f.kind == m.NodeKind.PROCESS and f.rule != m.RuleId.G1)
    explained = gen["gaps_of_node"].sync(client=client, node_id=finding.node_id, as_of=AS_OF)
    assert isinstance(explained, m.GapReportOut)
    assert [f.node_id for f in explained.findings] == [finding.node_id] * len(explained.findings)
    [assessment] = explained.assessments
    assert isinstance(assessment, m.AssessmentOut) and assessment.explanation.startswith("score = 1 - ")
    assert assessment.sources and all(isinstance(s, m.SourceScoreOut) for s in assessment.sources)

    # What if every source of that process were withdrawn?
    withdrawn = [s.source_id for s in assessment.sources]
    change = gen["what_if"].sync(client=client, body=m.WhatIfQuery(withdraw=withdrawn, as_of=AS_OF))
    assert isinstance(change, m.WhatIfOut) and change.withdraw == sorted(withdrawn)
    moved = next(c for c in change.changes if c.process_id == finding.node_id)
    assert isinstance(moved, m.ClassChangeOut) and moved.after == m.Status.UNCOVERED and moved.score_after == 0
    assert all(isinstance(a, m.AreaChangeOut) for a in change.areas)

    # The same findings as CSV, for a spreadsheet.
    text = gen["export_findings_csv"].sync(client=client, as_of=AS_OF, area="People", rule=[m.RuleId.G1, m.RuleId.G3])
    assert isinstance(text, str)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["rule"], r["node_id"]) for r in rows] == [(f.rule.value, f.node_id) for f in people.findings]

    # Errors come back typed as problem details: an area the map lacks, a viewer asking for a what-if.
    missing = gen["list_gaps"].sync_detailed(client=client, area="Finance")
    assert missing.status_code == 404 and isinstance(missing.parsed, m.ProblemDetail)
    assert "areas in the map" in missing.parsed.detail
    viewer = gen["client"].AuthenticatedClient(base_url=base_url, token=KEYS["viewer"])
    refused = gen["what_if"].sync_detailed(client=viewer, body=m.WhatIfQuery(withdraw=withdrawn, as_of=AS_OF))
    assert refused.status_code == 403 and isinstance(refused.parsed, m.ProblemDetail)
    sources = gen["list_assurance_source"].sync(client=viewer, line=3)
    assert isinstance(sources, m.NodePage) and sources.items
    assert all(isinstance(s, m.AssuranceSourceOut) and s.line == 3 for s in sources.items)
    assert refused.headers["API-Version"] == json_version(base_url)


def json_version(base_url: str) -> Any:
    with urllib.request.urlopen(f"{base_url}/openapi.json") as response:  # noqa: S310 (loopback)
        return json.load(response)["info"]["version"]
