"""`assurance-map gaps`: findings as a terminal table, JSON or CSV."""
from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any, TextIO

from ..errors import ValidationError
from ..store.base import Store
from ..values import as_of_date
from .analysis import analyse
from .model import Report
from .policy import Policy
from .rules import RULES
from .summary import summarise

CSV_COLUMNS = ("rule", "severity", "kind", "node_id", "label", "area", "reasons")


def run_gaps(args: argparse.Namespace, store: Store, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        as_of = as_of_date(args.as_of)
        policy = Policy.load(args.policy) if args.policy else None
        rules = args.rule.split(",") if args.rule else None
        report = analyse(store, as_of=as_of, policy=policy, rules=rules, area=args.area)
    except ValidationError as exc:
        for problem in exc.problems:
            print(f"assurance-map gaps: {problem}", file=sys.stderr)
        return 2
    if args.format == "json":
        write_json(report, out, explain=args.explain)
    elif args.format == "csv":
        write_csv(report, out)
    else:
        write_table(report, out, explain=args.explain, report_area=args.area)
    return 0


def as_json(report: Report, explain: bool = False) -> dict[str, Any]:
    return {"as_of": report.as_of.isoformat(), "policy": report.policy,
            "findings": [f.as_dict() for f in report.findings], "summary": summarise(report),
            "assessments": [a.as_dict(explain) for a in report.assessments]}


def write_json(report: Report, out: TextIO, explain: bool = False) -> None:
    json.dump(as_json(report, explain), out, indent=2, ensure_ascii=False)
    out.write("\n")


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet will show as text: a leading =, +, - or @ would make it a formula, and
    names and ids come from users."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(report: Report, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        row = f.as_dict()
        writer.writerow([row["rule"], row["severity"], row["kind"], *map(spreadsheet_text, (
            row["node_id"], row["label"], row["area"] or "", "; ".join(row["reasons"])))])


def write_table(report: Report, out: TextIO, explain: bool = False, report_area: str | None = None) -> None:
    """Per area: its processes with class and score, then its findings; then the other findings."""
    summary = summarise(report)
    w = lambda line="": out.write(line + "\n")  # noqa: E731
    w(f"Gap analysis as of {report.as_of.isoformat()}: {summary['findings']} finding(s), "
      f"{summary['processes']} process(es)")
    if not summary["areas"]:
        w(f"No processes{f' in area {report_area!r}' if report_area else ''}.")
    by_area: dict[str | None, list] = {}
    for f in report.findings:
        by_area.setdefault(f.area if f.kind == "Process" else None, []).append(f)
    for area, counts in summary["areas"].items():
        w()
        w(f"== {area}: {counts['processes']} process(es), {counts['uncovered']} uncovered, {counts['weak']} weak, "
          f"{counts['adequate']} adequate; coverage {counts['coverage']:.0%} assured, "
          f"{counts['covered_share']:.0%} covered")
        assessments = [a for a in report.assessments if a.area == area]
        id_width = max(len(a.process_id) for a in assessments)
        for a in assessments:
            w(f"  {a.process_id:<{id_width}}  {a.status.value:<9}  {a.score:.2f}  {a.name}"
              + (f"  [{', '.join(a.rules)}]" if a.rules else ""))
            if explain:
                for line in a.source_lines():
                    w(f"  {'':<{id_width}}    {line}")
                w(f"  {'':<{id_width}}    {a.explanation}")
        _findings(w, by_area.pop(area, []))
    rest = [f for group in by_area.values() for f in group]
    if rest:
        w()
        w("== Other findings")
        _findings(w, rest)
    w()
    w("Rules: " + "; ".join(f"{r.id} {r.title}" for r in RULES.values()))


def _findings(w, findings) -> None:
    if findings:
        w("  Findings:")
    for f in findings:
        w(f"  {f.rule:<4} {f.severity.value:<6} {f.kind} {f.node_id}: {f.label}")
        for reason in f.reasons:
            w(f"         - {reason}")
