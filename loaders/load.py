"""Loading maps: read every file, check the whole load, then write it in one transaction."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from graphmodel.audit import Change
from graphmodel.errors import ValidationError
from graphmodel.store import Store
from graphmodel.text import clip

from .adapters import ADAPTERS, read_register
from .check import check
from .columns import IGNORED_TABLES, KINDS_BY_TABLE, LINKS_TABLE, key
from .document import EXTENSIONS, Document, read_document
from .generic import parse_tables
from .parsed import ParsedMap
from .preview import ReadOptions
from .report import Issue, LoadReport, Origin
from .sources import CSV, WORKBOOK, YAML, Sheet, csv_sheet, document_tables, sheet_table, workbook_sheets

log = logging.getLogger("assurance_map.loaders")
AUTO, GENERIC = "auto", "generic"
ADAPTER_NAMES = (AUTO, GENERIC, *ADAPTERS)
DOCUMENTS = YAML + (".json",)
Say = Callable[[str], None]
Options = ReadOptions | Mapping[str, ReadOptions] | None


def _quiet(_: str) -> None:
    pass


def _options_for(path: Path, adapter: str, options: Options) -> ReadOptions:
    if isinstance(options, ReadOptions):
        found = options
    elif options:
        found = options.get(str(path)) or options.get(path.name) or ReadOptions()
    else:
        found = ReadOptions()
    return found if adapter == AUTO else ReadOptions(adapter, found.prefix, found.columns)


def parse_paths(paths: Iterable[str | Path], adapter: str = AUTO, say: Say = _quiet,
                options: Options = None) -> ParsedMap:
    parsed = ParsedMap()
    for path in paths:
        path = Path(path)
        try:
            _parse_path(path, _options_for(path, adapter, options), parsed, say)
        except OSError as exc:  # e.g. a name too long for the file system, or no permission
            parsed.error(Origin(str(path)), f"cannot read it: {exc.strerror or exc}")
        except Exception as exc:  # a damaged file (bad XML in a workbook, say) is the user's input
            log.info("cannot read %s", path, exc_info=True)
            parsed.error(Origin(str(path)), f"cannot read it: the file is damaged or not what its name says "
                                            f"({type(exc).__name__}: {clip(' '.join(str(exc).split()), 120)})")
    return parsed


def _parse_path(path: Path, options: ReadOptions, parsed: ParsedMap, say: Say) -> None:
    parsed.files.append(str(path))
    origin = Origin(str(path))
    adapter = options.adapter
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
            parsed.error(origin, f"the {adapter} adapter reads papers ({', '.join(EXTENSIONS)}), not {ext}")
            return
        parse_tables(document_tables(path, parsed), parsed, rows)
        return
    if ext not in EXTENSIONS:
        parsed.error(origin, "unsupported file type; expected the import format (.xlsx, .csv or a folder of them, "
                             f".yaml, .yml, .json) or a register ({', '.join(EXTENSIONS)})", value=ext or path.name)
        return
    if ext in WORKBOOK + CSV and adapter in (AUTO, GENERIC):
        # What reading the sheets says (merged cells, unsaved formulas) belongs to whichever way they are read.
        told = ParsedMap()
        sheets = workbook_sheets(path, told) if ext in WORKBOOK else [
            s for s in (csv_sheet(path, told),) if s is not None]
        if not sheets or adapter == GENERIC or _import_format(sheets):
            parsed.errors += told.errors
            parsed.warnings += told.warnings
        if not sheets:
            return
        if adapter == GENERIC or _import_format(sheets):
            parse_tables((sheet_table(s) for s in sheets), parsed, rows)
            return
    elif adapter == GENERIC:
        parsed.error(origin, f"the import format is .xlsx, .csv, .yaml or .json, not {ext}")
        return
    doc = read_document(path, parsed)
    if doc is None:
        return
    register = ParsedMap()
    preview = read_register(doc, register, options)
    if not register.nodes and adapter == AUTO and ext in WORKBOOK + CSV and _looks_like_import_format(doc):
        # Not a register: read it as the import format, whose errors say which tables it expects.
        parsed.warnings += told.warnings
        parse_tables((sheet_table(s) for s in sheets), parsed, rows)
        return
    parsed.extend(register)
    parsed.previews.append(preview)
    say(f"{path.name}: read with the {preview.adapter} adapter, id prefix {preview.prefix!r}")


def _looks_like_import_format(doc: Document) -> bool:
    """Every table of the workbook starts with an 'id' column, as the import format's tables do."""
    tables = doc.tables()
    return bool(tables) and all(t.rows and key(t.rows[0][0]) == "id" for t in tables)


def _import_format(sheets: list[Sheet]) -> bool:
    """Sheets (or CSV files) named after the import format's tables."""
    tables = set(KINDS_BY_TABLE) | {key(LINKS_TABLE), *IGNORED_TABLES}
    return any(key(s.name) in tables for s in sheets)


def load(paths: Iterable[str | Path], store: Store, adapter: str = AUTO, dry_run: bool = False,
         say: Say = _quiet, options: Options = None, change: Change | None = None) -> LoadReport:
    """Validate every file, then write everything in one `store.upsert`, or nothing at all; the
    audit log records it as an import of these files (`change` may say by whom, and name them)."""
    start = time.perf_counter()
    parsed = parse_paths(paths, adapter, say, options)
    say(f"checking {len(parsed.nodes)} nodes and {len(parsed.edges)} links against the store")
    check(parsed, store)
    report = LoadReport(files=parsed.files, errors=parsed.errors, warnings=parsed.warnings, dry_run=dry_run,
                        previews=parsed.previews)
    for placed in parsed.nodes:
        report.nodes[placed.node.kind] = report.nodes.get(placed.node.kind, 0) + 1
    for rel, _, _ in {(pe.edge.rel, pe.edge.source, pe.edge.target) for pe in parsed.edges}:
        report.edges[rel] = report.edges.get(rel, 0) + 1
    if report.ok and not dry_run:
        say(f"writing {len(parsed.nodes)} nodes and {sum(report.edges.values())} links in one transaction")
        try:
            store.upsert([p.node for p in parsed.nodes], [p.edge for p in parsed.edges],
                         progress=lambda done, total: say(f"  written {done:,} of {total:,}"),
                         change=change or Change("import", what={"files": [Path(f).name for f in parsed.files]}))
            report.written = True
        except ValidationError as err:  # the store changed between the check and the write
            report.errors += [Issue(str(p), ", ".join(parsed.files)) for p in err.problems]
    report.seconds = time.perf_counter() - start
    return report
