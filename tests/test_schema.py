"""The schema is complete and consistent, and everything derived from it agrees with it."""
import datetime as dt
import re

import pytest

from graphmodel import NODE_MODELS, SCHEMA, ValidationError, node_from_dict
from graphmodel.schema import FREQUENCIES, KEY
from graphmodel.store.neo4j import constraint_statements

SPEC_TRIPLES = {
    "ASSURES": ({"AssuranceSource"}, {"Process", "Commitment", "Risk", "Action"}),
    "OVERSEES": ({"Meeting"}, {"Commitment", "Risk", "Action", "Process", "AssuranceSource"}),
    "MITIGATES": ({"Action"}, {"Risk"}),
    "DELIVERS": ({"Action"}, {"Commitment"}),
    "SUPPORTS": ({"Process"}, {"Commitment"}),
    "EXPOSED_TO": ({"Process"}, {"Risk"}),
    "LINKED_TO": ({"Commitment", "Risk", "Action"}, {"Commitment", "Risk", "Action"}),
    "REPORTS_TO": ({"AssuranceSource", "Meeting"}, {"Meeting"}),
}
SPEC_REQUIRED = {
    "Commitment": {"id", "title"}, "Risk": {"id", "title"}, "Action": {"id", "title"},
    "Process": {"id", "name", "area"}, "AssuranceSource": {"id", "name", "line"}, "Meeting": {"id", "name"},
}
IDENT = re.compile(r"^[A-Za-z][A-Za-z_]*$")


def test_node_kinds_match_the_spec():
    assert set(SCHEMA.node_names) == set(SPEC_REQUIRED)
    for kind in SCHEMA.nodes:
        assert {f.name for f in kind.fields if f.required} == SPEC_REQUIRED[kind.name]
        assert kind.fields[0].name == KEY and kind.label_field in kind.field_names
        assert len(set(kind.field_names)) == len(kind.fields), f"{kind.name} repeats a field"
        assert IDENT.match(kind.name) and kind.table.islower() and kind.style.shape and kind.style.colour
        for f in kind.fields:
            assert f.type in (str, int, bool, dt.date), (kind.name, f.name)
            assert f.description, f"{kind.name}.{f.name} needs a description for the template and docs"
            for canonical in f.aliases.values():
                assert f.choices and canonical in f.choices


def test_edge_kinds_match_the_spec():
    assert {e.name: (set(e.sources), set(e.targets)) for e in SCHEMA.edges} == SPEC_TRIPLES
    for e in SCHEMA.edges:
        assert IDENT.match(e.name) and e.name.isupper() and e.colour
        assert (e.sources | e.targets) <= set(SCHEMA.node_names)


def test_models_follow_the_schema():
    for kind in SCHEMA.nodes:
        model = NODE_MODELS[kind.name]
        assert set(model.model_fields) == set(kind.field_names)
        for f in kind.fields:
            assert model.model_fields[f.name].is_required() == f.required
        with pytest.raises(ValidationError) as err:
            node_from_dict(kind.name, {"id": "x", "no_such_field": 1})
        fields = {p.field for p in err.value.problems}
        assert "no_such_field" in fields
        assert {f.name for f in kind.fields if f.required and f.name != KEY} <= fields


def test_choices_and_aliases_are_enforced():
    src = node_from_dict("AssuranceSource", {"id": "s", "name": "n", "line": "4", "opinion": "Limited"})
    assert (src.line, src.opinion) == (4, "limited")
    assert node_from_dict("AssuranceSource", {"id": "s", "name": "n", "line": 1}).opinion == "unrated"
    for status in ("Complete", "(C)", "done", "BLUE"):
        assert node_from_dict("Action", {"id": "a", "title": "t", "status": status}).status == "blue"
    for bad in ({"line": 5}, {"line": 0}, {"line": True}, {"opinion": "good"}, {"frequency": 3}):
        with pytest.raises(ValidationError):
            node_from_dict("AssuranceSource", {"id": "s", "name": "n", "line": 1, **bad})


def test_frequencies_are_canonical_or_kept_raw():
    def freq(text):
        return node_from_dict("Meeting", {"id": "m", "name": "n", "frequency": text}).frequency

    assert freq("Twice a year") == "biannual"
    assert freq("Bi-Monthly") == "bi-monthly"
    assert freq("10 per annum") == "10 per annum"
    assert freq("when the chair decides") == "when the chair decides"
    assert set(FREQUENCIES) == {freq(f) for f in FREQUENCIES}


def test_constraints_cover_every_kind_and_use_schema_names_only():
    stmts = constraint_statements()
    for kind in SCHEMA.node_names:
        assert any(f"(n:{kind})" in s for s in stmts)
    assert all("IF NOT EXISTS" in s for s in stmts)
