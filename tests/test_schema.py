"""The schema is complete and consistent, and everything derived from it agrees with it."""
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graphmodel import NODE_MODELS, SCHEMA, ValidationError, node_from_dict
from graphmodel.schema import (
    FREQUENCIES,
    KEY,
    SHAPES,
    EdgeKind,
    Field,
    Link,
    NodeKind,
    Schema,
    SchemaError,
    Style,
)
from graphmodel.store.neo4j import constraint_statements
from loaders.columns import RELATIONS
from viz.shapes import swatch
from viz.style import kind_look

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


# -- the schema checks itself -----------------------------------------------------------

def _kind(name="Widget", *, fields=None, label="name", shape="dot", colour="#123456", links=(), table=None):
    fields = fields if fields is not None else (Field(KEY, str, required=True), Field("name", str, required=True))
    return NodeKind(name, table or name.lower() + "s", label, fields, Style(shape, colour), "d", links)


def test_the_link_columns_are_declared_in_the_schema():
    links = {(k.table, link.column, link.edge, link.out, link.required) for k in SCHEMA.nodes for link in k.links}
    assert links == {
        ("actions", "mitigates", "MITIGATES", True, False), ("actions", "delivers", "DELIVERS", True, False),
        ("actions", "linked_to", "LINKED_TO", True, False), ("processes", "supports", "SUPPORTS", True, False),
        ("processes", "exposed_to", "EXPOSED_TO", True, False),
        ("assurance_sources", "assures", "ASSURES", True, True),
        ("assurance_sources", "reports_to", "REPORTS_TO", True, False),
        ("meetings", "oversees", "OVERSEES", True, False), ("meetings", "reports_to", "REPORTS_TO", True, False)}
    assert {(r.table, r.column, r.edge) for r in RELATIONS} == {(t, c, e) for t, c, e, _, _ in links}


@pytest.mark.parametrize("nodes, edges, message", [
    ((_kind(), _kind()), (), "node kind 'Widget' is declared twice"),
    ((_kind("widget"),), (), "node kind widget: not usable as a label"),
    ((_kind(fields=(Field("name", str, required=True),)),), (), "needs a required text field 'id'"),
    ((_kind(label="colour"),), (), "label field 'colour' must be one of its required text fields"),
    ((_kind(shape="cloud"),), (), "shape 'cloud' cannot be drawn"),
    ((_kind(colour="red"),), (), "colour 'red' is not #rrggbb"),
    ((_kind(fields=(Field(KEY, str, required=True), Field("name", str, required=True),
                    Field("size", str, choices=("s", "m"), aliases={"Small": "s", "huge": "xl"}))),), (),
     "field size: an alias names a value outside its choices"),
    ((_kind(fields=(Field(KEY, str, required=True), Field("name", str, required=True),
                    Field("n", int, minimum=5, maximum=1), Field("when", dt.date, normaliser="frequency"))),), (),
     "field n: minimum 5 is above maximum 1"),
    ((_kind(fields=(Field(KEY, str, required=True), Field("name", str, required=True),
                    Field("when", dt.date, normaliser="frequency"))),), (),
     "field when: normaliser 'frequency' needs a text field and one of: frequency"),
    ((_kind(),), (EdgeKind("LIKES", frozenset({"Widget"}), frozenset({"Gadget"}), "likes", "#000000"),),
     "edge kind LIKES: unknown node kind 'Gadget' at one end"),
    ((_kind(links=(Link("likes", "LIKES"),)),), (), "link column likes: unknown edge kind 'LIKES'"),
    ((_kind(links=(Link("liked_by", "LIKES"),)), _kind("Gadget")),
     (EdgeKind("LIKES", frozenset({"Gadget"}), frozenset({"Widget"}), "likes", "#000000"),),
     "node kind Widget, link column liked_by: a Widget cannot be the source of LIKES"),
    ((_kind(links=(Link("name", "LIKES", out=False),)), _kind("Gadget")),
     (EdgeKind("LIKES", frozenset({"Gadget"}), frozenset({"Widget"}), "likes", "#000000"),),
     "node kind Widget, link column name: the column name is taken"),
])
def test_a_schema_that_cannot_work_is_refused_when_built(nodes, edges, message):
    with pytest.raises(SchemaError) as err:
        Schema(nodes, edges)
    assert message in str(err.value)


def test_the_checks_hold_with_assertions_off(tmp_path):
    """Real exceptions, not asserts: `python -O` still refuses a broken schema."""
    code = ("from graphmodel.schema import *\n"
            "kind = NodeKind('W', 'ws', 'id', (Field('id', str, required=True),), Style('cloud', '#000000'))\n"
            "try:\n    Schema((kind,), ())\n"
            "except SchemaError as e:\n    print('refused:', e)\n")
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert "refused:" in out and "shape 'cloud' cannot be drawn" in out


def test_every_shape_the_schema_allows_is_drawn_in_the_legends():
    assert SHAPES == ("box",)  # the views draw every item as a box with its name inside
    for kind in SCHEMA.nodes:
        assert swatch(kind_look(kind.name)).startswith('<svg class="swatch"'), kind.name
    assert {k.style.shape for k in SCHEMA.nodes} <= set(SHAPES)
