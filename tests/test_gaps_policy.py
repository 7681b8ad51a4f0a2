"""Loading a gap policy: defaults, partial overrides and clear errors."""
from __future__ import annotations

import json

import pytest
import yaml

from graphmodel.errors import ValidationError
from graphmodel.gaps import Policy, Severity
from graphmodel.gaps.policy import DEFAULT_PATH


def test_defaults_are_the_shipped_file():
    assert Policy() == Policy.load(DEFAULT_PATH)
    p = Policy()
    assert (p.independent_months, p.staleness_multiplier, p.frequency_days["monthly"]) == (36, 1.5, 31)
    assert p.period_days("4 per annum") == 365 / 4
    assert p.period_days("every blue moon") == p.period_days(None) == 365
    assert p.stale_after("quarterly") == 138
    assert p.severities["G1"] is Severity.HIGH
    assert Policy().as_dict()["line_weights"] == {"1": 0.2, "2": 0.4, "3": 0.7, "4": 0.7}


def test_partial_yaml_overrides_merge_key_by_key(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("independent_months: 24\nline_weights:\n  1: 0.1\nseverities:\n  G10: medium\n")
    p = Policy.load(path)
    assert p.independent_months == 24
    assert p.line_weights == {1: 0.1, 2: 0.4, 3: 0.7, 4: 0.7}
    assert p.severities["G10"] is Severity.MEDIUM and p.severities["G1"] is Severity.HIGH


def test_json_policy_with_string_line_keys(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"line_weights": {"4": 0.9}, "frequency_days": {"monthly": 30}}))
    p = Policy.load(path)
    assert p.line_weights[4] == 0.9 and p.stale_after("monthly") == 45


def test_empty_file_means_defaults(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("")
    assert Policy.load(path) == Policy()


@pytest.mark.parametrize("data, field, message", [
    ({"independent_month": 12}, "independent_month", "unknown setting"),
    ({"line_weights": {5: 0.3}}, "line_weights", "unknown key 5"),
    ({"frequency_days": {"daily": 1}}, "frequency_days", "unknown key 'daily'"),
    ({"opinion_factors": {"limited": 1.5}}, "opinion_factors.limited", "less than or equal to 1"),
    ({"severities": {"G1": "urgent"}}, "severities.G1", "'high', 'medium' or 'low'"),
    ({"severities": {"G11": "low"}}, "severities", "unknown key 'G11'"),
    ({"staleness_multiplier": 0}, "staleness_multiplier", "greater than 0"),
    ({"frequency_days": {"weekly": "often"}}, "frequency_days.weekly", "valid number"),
])
def test_bad_settings_name_file_key_and_value(tmp_path, data, field, message):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ValidationError) as err:
        Policy.load(path)
    [problem] = err.value.problems
    assert problem.kind == f"policy file {path}"
    assert problem.field == field
    assert message in problem.message


def test_unreadable_or_malformed_files(tmp_path):
    with pytest.raises(ValidationError, match="cannot read it"):
        Policy.load(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("independent_months: [1, 2\n")
    with pytest.raises(ValidationError, match="not valid YAML"):
        Policy.load(bad)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{independent_months: 1}")
    with pytest.raises(ValidationError, match="not valid JSON"):
        Policy.load(bad_json)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n")
    with pytest.raises(ValidationError, match="must be a map of settings"):
        Policy.load(listed)
