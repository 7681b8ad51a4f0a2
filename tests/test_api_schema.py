"""schemathesis, driven by the app's own OpenAPI schema: no 5xx, and every response matches the schema.

Cases are generated per operation with hypothesis directly (the schemathesis pytest plugin does not
yet work with pytest 9); the app under test serves the bundled pilot maps from an embedded store, with an admin key (so
schemathesis also checks that requests without it are refused).
"""
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from api.auth import digest
from api.settings import Settings
from graphmodel.store.embedded import EmbeddedStore
from loaders.bundled import load_demo

ADMIN_KEY = "schema-test-admin-key"


def schema_of(tmp: Path, store=None):
    settings = Settings(store=str(tmp / "store.json"), audit_log=tmp / "audit.jsonl",
                        api_keys=f"tester:admin:{digest(ADMIN_KEY)}")
    app = create_app(settings, store)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


with tempfile.TemporaryDirectory() as _tmp:
    OPERATIONS = [(r.ok().path, r.ok().method.upper()) for r in schema_of(Path(_tmp)).get_all_operations()]


@pytest.mark.parametrize("path, method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_operation_conforms_to_the_schema(tmp_path, path, method):
    store = EmbeddedStore(tmp_path / "store.json")
    load_demo(store)
    operation = schema_of(tmp_path, store)[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        # Schema-valid requests may still be refused for what a schema cannot say (an edge the vocabulary
        # forbids, an id that does not exist): those answers are checked, not forbidden.
        case.call_and_validate(headers={"X-API-Key": ADMIN_KEY},
                               excluded_checks=[schemathesis.checks.positive_data_acceptance])

    check()
