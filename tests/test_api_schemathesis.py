"""schemathesis against a real server, on both stores: the API does what its OpenAPI document says.

The server runs under uvicorn on a free loopback port, serving the bundled pilot maps from the
store under test, with API keys configured; schemathesis (the command line, as an analyst's
tooling would run it) reads /openapi.json from it and runs every phase (examples, coverage,
fuzzing, stateful) with every check, once with an admin's key and once with a viewer's, from a
fixed seed and a bounded number of examples, and any failure fails the test with schemathesis's
report. A run of the same kind with other seeds, more examples or other keys is in docs/api.md.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.app import create_app
from api.auth import digest
from api.settings import Settings
from loaders.bundled import load_demo
from tests.serving import Running

pytestmark = pytest.mark.contract

SEED = 17
KEYS = {role: f"schemathesis-{role}-key" for role in ("viewer", "admin")}
# Examples per operation in the fuzzing and stateful phases: the admin's run writes and reads, the
# viewer's is refused every write, so needs fewer to cover what it can do.
EXAMPLES = {"admin": 12, "viewer": 6}
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")


def command(base_url: str, key: str, *, seed: int, examples: int, report: Path) -> list[str]:
    """The schemathesis run: all phases, every check (the configuration enables them all, and says
    where one cannot apply), one worker (the order is then the seed's)."""
    return [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{base_url}/openapi.json",
            "--phases", "examples,coverage,fuzzing,stateful", "--seed", str(seed), "--max-examples", str(examples),
            "--workers", "1", "--generation-database", "none", "--header", f"X-API-Key: {key}",
            "--request-timeout", "60", "--no-color", "--report", "junit", "--report-junit-path", str(report)]


@pytest.mark.parametrize("role", list(KEYS))
def test_the_server_does_what_its_schema_says(store, tmp_path, role):
    load_demo(store)
    entries = ",".join(f"{r}-user:{r}:{digest(k)}" for r, k in KEYS.items())
    app = create_app(Settings(audit_log=tmp_path / "audit.jsonl", api_keys=entries), store)
    with Running(app) as base_url:
        run = subprocess.run(command(base_url, KEYS[role], seed=SEED, examples=EXAMPLES[role],
                                     report=tmp_path / "junit.xml"),
                             capture_output=True, text=True, cwd=tmp_path, timeout=900,
                             env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
    assert run.returncode == 0, f"schemathesis found failures ({store.backend}, {role} key):\n{run.stdout[-20000:]}" \
                                f"\n{run.stderr[-2000:]}"
    summary = run.stdout[run.stdout.rfind("SUMMARY"):]
    tested = int(summary.split("Tested: ")[1].split()[0])
    assert tested >= 60 and "✅ Stateful" in summary, summary  # every operation, and the stateful phase, ran
