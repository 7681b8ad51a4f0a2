"""What-if: class and coverage changes, computed without touching the store."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graphmodel.errors import Missing, ValidationError
from graphmodel.gaps import Status, analyse, what_if
from graphmodel.models import edge_from_dict, node_from_dict

AS_OF = dt.date(2024, 6, 15)


@pytest.fixture
def pilot(store):
    nodes: list[tuple[str, dict[str, Any]]] = [
        ("Process", {"id": "P1", "name": "Vetting", "area": "People"}),
        ("Process", {"id": "P2", "name": "Recruitment", "area": "People"}),
        ("Process", {"id": "P3", "name": "Incident reporting", "area": "Information Quality"}),
        ("AssuranceSource", {"id": "IA", "name": "Internal audit of vetting", "line": 3, "opinion": "reasonable",
                             "last_assured": "2024-01-10", "frequency": "annual"}),
        ("AssuranceSource", {"id": "HR", "name": "HR compliance checks", "line": 2, "opinion": "substantial",
                             "last_assured": "2024-06-01", "frequency": "monthly"}),
        ("AssuranceSource", {"id": "IQ", "name": "Crime data integrity audit", "line": 4, "opinion": "substantial",
                             "last_assured": "2024-03-01", "frequency": "annual"}),
        ("Meeting", {"id": "JARAP", "name": "JARAP", "panel": True}),
    ]
    links = ["IA ASSURES P1", "IA ASSURES P2", "HR ASSURES P2", "IQ ASSURES P3",
             "IA REPORTS_TO JARAP", "HR REPORTS_TO JARAP", "IQ REPORTS_TO JARAP"]
    store.upsert([node_from_dict(k, d) for k, d in nodes],
                 [edge_from_dict(dict(zip(("source", "rel", "target"), link.split(), strict=True))) for link in links])
    return store


def test_withdrawing_a_source(pilot):
    before = analyse(pilot, as_of=AS_OF)
    result = what_if(pilot, withdraw=["IA"], as_of=AS_OF)
    changes = {c.process_id: (c.before, c.after) for c in result.changes}
    assert changes == {"P1": (Status.ADEQUATE, Status.UNCOVERED), "P2": (Status.ADEQUATE, Status.WEAK)}
    areas = {a.area: a for a in result.areas}
    assert (areas["People"].coverage_before, areas["People"].coverage_after) == (1.0, 0.0)
    assert (areas["People"].covered_before, areas["People"].covered_after) == (2, 1)
    assert areas["Information Quality"].coverage_after == 1.0
    assert result.as_dict()["changes"][0]["before"] == "adequate"
    assert analyse(pilot, as_of=AS_OF) == before  # nothing was written
    assert pilot.get_node("IA") is not None


def test_replacing_an_opinion(pilot):
    result = what_if(pilot, opinions={"IQ": "Limited"}, as_of=AS_OF)
    [change] = result.changes
    assert (change.process_id, change.before, change.after) == ("P3", Status.ADEQUATE, Status.WEAK)
    assert change.score_after < change.score_before
    assert "G5" in next(a for a in result.after.assessments if a.process_id == "P3").rules
    assert pilot.get_node("IQ").opinion == "substantial"


def test_bad_what_if_input_is_named(pilot):
    with pytest.raises(Missing) as err:  # what it names first: sources the map does not have
        what_if(pilot, withdraw=["NOPE", "P1"], opinions={"HR": "excellent"})
    text = str(err.value)
    assert "'NOPE'" in text and "no node has this id" in text
    assert "'P1'" in text and "it is a Process" in text
    with pytest.raises(ValidationError) as invalid:
        what_if(pilot, opinions={"HR": "excellent"})
    assert not isinstance(invalid.value, Missing)
    assert "excellent" in str(invalid.value) and "opinion" in str(invalid.value)
