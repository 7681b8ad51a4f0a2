"""The gap-analysis policy: thresholds, periods, score weights and severities.

The defaults live in default-policy.yaml beside this module, where each key is documented,
except each rule's severity, which its declaration gives (rules.py). A user's policy file
overrides any of them, maps key by key.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from ..errors import Problem, ValidationError
from ..safeload import ParseError, load_json, load_yaml
from ..schema import FREQUENCIES, LINES, OPINIONS
from .model import Severity

DEFAULT_PATH = Path(__file__).with_name("default-policy.yaml")
_DEFAULTS: dict[str, Any] = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))

MAX_FILE_BYTES = 1 << 20
RECENCIES = ("current", "due", "stale", "undated")
_PER_ANNUM = re.compile(r"([0-9]{1,6}) per annum")  # the same pattern is used in Cypher

# The keys each map setting may have.
_MAPS: dict[str, tuple[Any, ...]] = {"frequency_days": FREQUENCIES, "line_weights": LINES,
                                     "opinion_factors": OPINIONS, "recency_factors": RECENCIES}

# Every setting has an upper bound as well as a lower one: a policy of 10**18 months or of infinite
# days would take the date arithmetic outside the calendar.
Factor = Annotated[float, pydantic.Field(ge=0, le=1, allow_inf_nan=False)]
Days = Annotated[float, pydantic.Field(gt=0, le=36_500, allow_inf_nan=False)]  # a period of up to 100 years


def _severities() -> dict[str, Any]:
    """Each rule's own severity, read from the rules when a policy is made (so a rule added to
    them brings its severity along)."""
    from .rules import RULES

    return {r.id: r.severity for r in RULES.values()}


def _merged(name: str, given: Any) -> Any:
    """Overlay a partial map on the default one; keys the default lacks are errors."""
    if not isinstance(given, Mapping):
        return given  # pydantic reports the wrong type
    out = _severities() if name == "severities" else dict(_DEFAULTS[name])
    allowed = _MAPS.get(name) or tuple(out)
    for key, value in given.items():
        norm = key
        if isinstance(key, str) and all(isinstance(a, int) for a in allowed) and key.strip().isdigit():
            norm = int(key)  # JSON keys are always strings
        if norm not in allowed:
            raise ValueError(f"unknown key {key!r}; expected one of {', '.join(map(str, allowed))}")
        out[norm] = value
    return out


def _times_a_year(frequency: str | None) -> int | None:
    m = _PER_ANNUM.fullmatch(frequency or "")
    return int(m[1]) if m and int(m[1]) > 0 else None


class Policy(BaseModel):
    """Settings the gap rules and the strength score use (see default-policy.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    independent_months: int = pydantic.Field(
        _DEFAULTS["independent_months"], ge=0, le=1_200,
        description="G3: months within which a line 3 or 4 source must have assured a Process.")
    staleness_multiplier: float = pydantic.Field(
        _DEFAULTS["staleness_multiplier"], gt=0, le=100, allow_inf_nan=False,
        description="G4: a source is stale when older than this many times its frequency period.")
    frequency_days: dict[str, Days] = pydantic.Field(
        _DEFAULTS["frequency_days"], description="Frequency periods in days; unknown text counts as adhoc.")
    year_days: int = pydantic.Field(_DEFAULTS["year_days"], gt=0, le=36_500,
                                    description="'N per annum' means year_days / N days.")
    line_weights: dict[int, Factor] = pydantic.Field(_DEFAULTS["line_weights"],
                                                     description="Score weight of each line of defence.")
    opinion_factors: dict[str, Factor] = pydantic.Field(_DEFAULTS["opinion_factors"],
                                                        description="Score factor of each opinion.")
    recency_factors: dict[str, Factor] = pydantic.Field(
        _DEFAULTS["recency_factors"], description="Score factor for current, due, stale and undated sources.")
    severities: dict[str, Severity] = pydantic.Field(
        default_factory=dict, description="Severity of each rule's findings (default: the rule's own).")

    @field_validator(*_MAPS, "severities", mode="before")
    @classmethod
    def _merge(cls, value: Any, info: pydantic.ValidationInfo) -> Any:
        return _merged(info.field_name or "", value)

    @classmethod
    def from_dict(cls, data: Any, where: str = "policy") -> Policy:
        """Validate plain data, raising ValidationError that names each key and value."""
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise ValidationError([Problem("a policy must be a map of settings", where, value=type(data).__name__)])
        try:
            return cls.model_validate(dict(data))
        except pydantic.ValidationError as err:
            problems = []
            for e in err.errors():
                loc = ".".join(str(p) for p in e["loc"])
                message = "unknown setting" if e["type"] == "extra_forbidden" else e["msg"].removeprefix(
                    "Value error, ")
                problems.append(Problem(message, where, field=loc or None, value=e.get("input")))
            raise ValidationError(problems) from None

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        """A policy from a YAML or JSON file (by extension; YAML otherwise)."""
        path = Path(path)
        where = f"policy file {path}"
        try:
            with path.open("rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise ValidationError([Problem(f"cannot read it: {exc.strerror or exc}", where)]) from None
        try:
            if len(raw) > MAX_FILE_BYTES:
                raise ParseError(f"larger than {MAX_FILE_BYTES // 1024} KiB; a policy is a few lines")
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ParseError(f"not UTF-8 text (byte {exc.start})") from None
            data = load_json(text) if path.suffix.lower() == ".json" else load_yaml(text)
        except ParseError as exc:
            raise ValidationError([Problem(str(exc), where)]) from None
        return cls.from_dict(data, where)

    def as_dict(self) -> dict[str, Any]:
        """The effective policy as plain JSON-ready data (severity words, string keys)."""
        data = self.model_dump(mode="json")
        data["line_weights"] = {str(k): v for k, v in data["line_weights"].items()}
        return data

    def severity(self, rule_id: str) -> Severity:
        return self.severities[rule_id]

    # -- derived values, shared by the Python and the Cypher side ------------------
    def understands(self, frequency: str | None) -> bool:
        """Whether a stored frequency is a known word or 'N per annum' (else it counts as adhoc)."""
        return frequency in self.frequency_days or _times_a_year(frequency) is not None

    def period_days(self, frequency: str | None) -> float:
        """Days in one period of a stored frequency; unknown text or none counts as adhoc."""
        if frequency in self.frequency_days:
            return self.frequency_days[frequency]
        n = _times_a_year(frequency)
        # Same operations, in the same order, as the Cypher side: the results match bit for bit.
        return self.year_days / float(n) if n is not None else self.frequency_days["adhoc"]

    def stale_after(self, frequency: str | None) -> float:
        """Age in days beyond which a source is stale (age exactly at the limit is not)."""
        return self.staleness_multiplier * self.period_days(frequency)


def map_keys() -> dict[str, tuple[Any, ...]]:
    """The keys each map setting takes: a closed set, so a policy that names another is refused."""
    return {**_MAPS, "severities": tuple(_severities())}
