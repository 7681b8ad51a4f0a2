"""Loading maps: read every file, check the whole load, then write it in one transaction."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from graphmodel.errors import ValidationError
from graphmodel.store import Store

from .adapters import ADAPTERS
from .check import check
from .columns import IGNORED_TABLES, KINDS_BY_TABLE, LINKS_TABLE, key
from .generic import parse_tables
from .parsed import ParsedMap
from .report import Issue, LoadReport, Origin
from .sources import (
    CSV,
    TEXT,
    WORKBOOK,
    YAML,
    Sheet,
    csv_sheet,
    document_tables,
    sheet_table,
    text_sheet,
    workbook_sheets,
)

AUTO, GENERIC = "auto", "generic"
ADAPTER_NAMES = (AUTO, GENERIC, *ADAPTERS)
DOCUMENTS = YAML + (".json",)
Say = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def parse_paths(paths: Iterable[str | Path], adapter: str = AUTO, say: Say = _quiet) -> ParsedMap:
    parsed = ParsedMap()
    for path in paths:
        _parse_path(Path(path), adapter, parsed, say)
    return parsed


def _parse_path(path: Path, adapter: str, parsed: ParsedMap, say: Say) -> None:
    parsed.files.append(str(path))
    origin = Origin(str(path))
    rows = lambda table, n: say(f"{path.name}: {table}: {n} rows parsed")  # noqa: E731
    if adapter not in ADAPTER_NAMES:
        parsed.error(origin, f"unknown adapter; expected one of {', '.join(ADAPTER_NAMES)}", value=adapter)
        return
    if not path.exists():
        parsed.error(origin, "no such file or folder")
        return
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in CSV)
        if not files:
            parsed.error(origin, "the folder holds no .csv files (one file per table, named after the table)")
            return
        sheets = [s for s in (csv_sheet(f, parsed) for f in files) if s is not None]
        parse_tables((sheet_table(s) for s in sheets), parsed, rows)
        return
    ext = path.suffix.lower()
    if ext in DOCUMENTS:
        if adapter not in (AUTO, GENERIC):
            parsed.error(origin, f"the {adapter} adapter reads .txt, .csv or .xlsx files, not {ext}")
            return
        parse_tables(document_tables(path, parsed), parsed, rows)
        return
    if ext in WORKBOOK:
        sheets = workbook_sheets(path, parsed)
    elif ext in CSV:
        sheets = [s for s in (csv_sheet(path, parsed),) if s is not None]
    elif ext in TEXT:
        sheets = [s for s in (text_sheet(path, parsed),) if s is not None]
    else:
        parsed.error(origin, "unsupported file type; expected .xlsx, .csv (or a folder of them), .yaml, .yml, "
                             ".json, or a register as .txt", value=ext or path.name)
        return
    if not sheets:
        return
    if adapter == AUTO:
        detected = detect(sheets, ext)
        if detected is None:
            names = ", ".join(ADAPTERS)
            parsed.error(origin, f"cannot tell which register layout this is; choose one with --adapter ({names})")
            return
        adapter = detected
        if adapter != GENERIC:
            say(f"{path.name}: read with the {adapter} adapter")
    if adapter == GENERIC:
        parse_tables((sheet_table(s) for s in sheets), parsed, rows)
    else:
        ADAPTERS[adapter].parse(sheets, parsed)


def detect(sheets: list[Sheet], ext: str) -> str | None:
    """The import format when sheets are named after its tables, else the first adapter that
    recognises the layout; a workbook or CSV nobody recognises is read as the import format
    (so its errors say which tables are expected)."""
    tables = set(KINDS_BY_TABLE) | {key(LINKS_TABLE), *IGNORED_TABLES}
    if ext not in TEXT and any(key(s.name) in tables for s in sheets):
        return GENERIC
    for name, adapter in ADAPTERS.items():
        if any(adapter.detect(s) for s in sheets):
            return name
    return None if ext in TEXT else GENERIC


def load(paths: Iterable[str | Path], store: Store, adapter: str = AUTO, dry_run: bool = False,
         say: Say = _quiet) -> LoadReport:
    """Validate every file, then write everything in one `store.upsert`, or nothing at all."""
    start = time.perf_counter()
    parsed = parse_paths(paths, adapter, say)
    say(f"checking {len(parsed.nodes)} nodes and {len(parsed.edges)} links against the store")
    check(parsed, store)
    report = LoadReport(files=parsed.files, errors=parsed.errors, warnings=parsed.warnings, dry_run=dry_run)
    for placed in parsed.nodes:
        report.nodes[placed.node.kind] = report.nodes.get(placed.node.kind, 0) + 1
    for rel, _, _ in {(pe.edge.rel, pe.edge.source, pe.edge.target) for pe in parsed.edges}:
        report.edges[rel] = report.edges.get(rel, 0) + 1
    if report.ok and not dry_run:
        say(f"writing {len(parsed.nodes)} nodes and {sum(report.edges.values())} links in one transaction")
        try:
            store.upsert([p.node for p in parsed.nodes], [p.edge for p in parsed.edges],
                         progress=lambda done, total: say(f"  written {done:,} of {total:,}"))
            report.written = True
        except ValidationError as err:  # the store changed between the check and the write
            report.errors += [Issue(str(p), ", ".join(parsed.files)) for p in err.problems]
    report.seconds = time.perf_counter() - start
    return report
