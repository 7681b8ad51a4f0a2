"""The panel paper's editable words: a small YAML file with {placeholders} (default-template.yaml
beside this module documents every key). A key left out keeps the default; anything unknown is an
error that names it."""
from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from graphmodel.errors import Problem, ValidationError

DEFAULT_PATH = Path(__file__).with_name("default-template.yaml")
PLACEHOLDERS = ("title", "organisation", "as_of", "since", "since_as_of", "processes", "adequate", "weak", "uncovered",
                "coverage", "findings", "open", "high", "accepted", "due", "lapsed", "new", "resolved", "improved",
                "worsened", "overdue")
TEXTS = ("title", "organisation", "purpose", "recommendation")
LIMITS = ("heat_map", "high_findings", "changes", "overdue_actions", "appendix")


@dataclass(frozen=True)
class Template:
    title: str
    organisation: str
    purpose: str
    recommendation: str
    review_due_within_days: int
    limits: Mapping[str, int]
    where: str = "the default template"

    def fill(self, key: str, values: Mapping[str, Any]) -> str:
        """One text with its placeholders filled in."""
        return getattr(self, key).format_map({k: values[k] for k in PLACEHOLDERS})

    @classmethod
    def load(cls, path: str | Path | None = None) -> Template:
        """The default template with a file's keys on top of it (none: the default alone)."""
        base = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
        if path is None:
            return cls._checked(base, "the default template")
        where = f"paper template {path}"
        try:
            given = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValidationError([Problem(f"cannot read it: {exc.strerror or exc}", where)]) from None
        except yaml.YAMLError as exc:
            raise ValidationError([Problem(f"not valid YAML: {' '.join(str(exc).split())}", where)]) from None
        if given is None:
            given = {}
        if not isinstance(given, dict):
            raise ValidationError([Problem("a template is a map of keys (title, purpose, ...)", where)])
        limits = given.get("limits", {})
        merged = {**base, **given, "limits": {**base["limits"], **(limits if isinstance(limits, dict) else {})}}
        if not isinstance(limits, dict):
            merged["limits"] = limits
        return cls._checked(merged, where)

    @classmethod
    def _checked(cls, data: dict[str, Any], where: str) -> Template:
        problems = [Problem(f"unknown key; expected one of {', '.join((*TEXTS, 'review_due_within_days', 'limits'))}",
                            where, field=k) for k in data if k not in (*TEXTS, "review_due_within_days", "limits")]
        for key in TEXTS:
            value = data.get(key)
            if not isinstance(value, str):
                problems.append(Problem("must be text", where, field=key, value=value))
                continue
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
            except ValueError as exc:
                problems.append(Problem(f"{exc} (write {{{{ or }}}} for a brace itself)", where, field=key))
                continue
            for name in sorted(names - set(PLACEHOLDERS)):
                problems.append(Problem(f"unknown placeholder {{{name}}}; the paper fills in "
                                        f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}", where, field=key))
        days = data.get("review_due_within_days")
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3660:
            problems.append(Problem("must be a whole number of days from 0 to 3660", where,
                                    field="review_due_within_days", value=days))
        limits = data.get("limits")
        if not isinstance(limits, dict):
            problems.append(Problem("must be a map of limits", where, field="limits", value=limits))
            limits = {}
        for key, value in limits.items():
            if key not in LIMITS:
                problems.append(Problem(f"unknown limit; expected one of {', '.join(LIMITS)}", where,
                                        field=f"limits.{key}"))
            elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5000:
                problems.append(Problem("must be a whole number from 1 to 5000", where, field=f"limits.{key}",
                                        value=value))
        if problems:
            raise ValidationError(problems)
        return cls(data["title"].strip(), data["organisation"].strip(), data["purpose"], data["recommendation"],
                   days, dict(limits), where)  # type: ignore[arg-type]  # checked just above
