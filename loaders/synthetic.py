"""Synthetic assurance maps, seeded and deterministic, shaped like the pilot maps.

Each force gets oversight meetings in a REPORTS_TO chain up to its audit panel (JARAP),
plan commitments, a risk register with actions, and key processes in assurance areas,
each assured by a mix of sources across lines 1-4. Some processes are left uncovered,
some sources are stale, undated, unreported or of an unknown frequency, some risks have
no action and some actions are overdue, so that every gap rule finds something.

Dates are laid out relative to `AS_OF`, so analysing a generated map at that date always
finds the same gaps. Sizes: a force (~500 processes), national (43 forces, ~20,000) and
stress (~100,000 processes, ~1,000,000 links).

    assurance-map generate --size national --out national.xlsx
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphmodel.files import atomic_write
from graphmodel.models import Edge, Node
from graphmodel.schema import KEY, SCHEMA
from graphmodel.store import Store
from graphmodel.store.base import node_from_props

from .columns import LINKS_TABLE, RELATIONS, TABLE_NAMES, columns

AS_OF = dt.date(2026, 3, 31)
SIZES = {"force": 500, "national": 20_000, "stress": 100_000}  # processes
FORCE_PROCESSES = 465  # a force's share of the national ~20,000
# Rows per write when loading a big map straight into a store. Neo4j holds a transaction's state
# in its heap, so a national map is written in slices; the embedded store rewrites its whole file
# on every write, so it takes the map in one.
SLICE_ROWS = {"neo4j": 10_000, "embedded": None}

FORCES = (
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London", "Cleveland", "Cumbria",
    "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex", "Gloucestershire",
    "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside", "Kent", "Lancashire",
    "Leicestershire", "Lincolnshire", "Merseyside", "Metropolitan", "Norfolk", "North Wales", "North Yorkshire",
    "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire", "Staffordshire",
    "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire", "West Mercia", "West Midlands",
    "West Yorkshire", "Wiltshire",
)

# Assurance areas with their key processes (the two pilot areas first) and the board that oversees them.
AREAS = {
    "Information Quality": ("Information Assurance Board", (
        "Incident reporting", "Performance information", "Assurance over the effectiveness of quality assurance",
        "Records and systems management", "Crime recording", "Data protection requests")),
    "People": ("People and Organisational Development Board", (
        "Vetting including reference and CRB checks", "Performance and appraisal", "Training and development",
        "Leaver management", "HR records management", "Recruitment")),
    "Finance": ("Finance and Resources Board", (
        "Budget setting", "Payroll", "Procurement", "Income collection", "Treasury management", "Expenses")),
    "Custody": ("Custody Governance Board", (
        "Detainee risk assessment", "Custody records", "Independent custody visiting", "Healthcare in custody")),
    "Public Protection": ("Public Protection Board", (
        "Domestic abuse risk assessment", "Safeguarding referrals", "Offender management", "Missing persons")),
    "Contact Management": ("Contact Management Board", (
        "Call handling", "Call grading", "Victim updates", "Complaints handling")),
    "Estates and Fleet": ("Estates and Fleet Board", (
        "Estate maintenance", "Fleet management", "Health and safety inspections", "Property and exhibits")),
    "Information Technology": ("Digital Board", (
        "System access control", "Change management", "Backup and recovery", "Cyber security")),
}
OWNERS = ("Head of Corporate Services", "Director of People", "Force Crime Registrar")
UNITS = ("force-wide", "North", "South", "East", "West", "City", "County", "Headquarters", "Operations", "Support")

LINE_KINDS = {
    1: (("spot check", "supervisors"), ("management review", "line managers"), ("self-assessment", "department")),
    2: (("MI report", "Performance team"), ("compliance audit", "Compliance team"), ("risk review", "Risk team")),
    3: (("internal audit", "Internal audit"),),
    4: (("inspection", "HMICFRS"), ("external audit", "External auditor"), ("regulator review", "ICO")),
}
# Weighted mixes: (value, weight).
OPINIONS = {
    1: (("unrated", 70), ("reasonable", 20), ("substantial", 10)),
    2: (("reasonable", 50), ("substantial", 20), ("limited", 15), ("unrated", 15)),
    3: (("reasonable", 45), ("substantial", 25), ("limited", 20), ("none", 5), ("unrated", 5)),
    4: (("reasonable", 45), ("substantial", 20), ("limited", 25), ("none", 5), ("unrated", 5)),
}
FREQUENCIES = {
    1: (("monthly", 50), ("weekly", 20), ("quarterly", 25), ("as and when", 5)),
    2: (("quarterly", 45), ("monthly", 25), ("bi-monthly", 15), ("6 per annum", 10), ("TBC", 5)),
    3: (("annual", 55), ("biannual", 15), ("adhoc", 25), ("per audit plan", 5)),
    4: (("adhoc", 50), ("annual", 40), ("3 yearly", 10)),
}
PERIOD_DAYS = {"weekly": 7, "monthly": 30, "quarterly": 91, "bi-monthly": 61, "6 per annum": 61, "annual": 365,
               "biannual": 182}
CRITICALITIES = (("high", 3), ("medium", 5), ("low", 2))
STATUSES = (("green", 35), ("amber", 25), ("red", 10), ("blue", 20), ("grey", 10))

_RELATION = {(r.table, r.edge): r for r in RELATIONS if r.out}
_TABLE = {k.name: k.table for k in SCHEMA.nodes}


@dataclass(frozen=True)
class SyntheticMap:
    """A generated map: valid nodes and edges, ordered force by force."""

    nodes: list[Node]
    edges: list[Edge]
    seed: int
    forces: int

    @property
    def rows(self) -> int:
        return len(self.nodes) + len(self.edges)

    def processes(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == "Process"]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """The import format's tables: node fields, list columns for the links a table can hold,
        and every other link in `links`."""
        kinds = {n.id: n.kind for n in self.nodes}
        listed: dict[tuple[str, str], list[str]] = {}  # (node id, column) -> other ends
        links = []
        for e in self.edges:
            relation = _RELATION.get((_TABLE[kinds[e.source]], e.rel))
            if relation is None or e.note is not None:
                links.append({"from": e.source, "rel": e.rel, "to": e.target, "note": e.note})
            else:
                listed.setdefault((e.source, relation.column), []).append(e.target)
        out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLE_NAMES}
        for n in self.nodes:
            table = _TABLE[n.kind]
            row = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in n.properties().items()}
            for column in columns(table):
                if (n.id, column) in listed:
                    row[column] = "; ".join(listed[(n.id, column)])
            out[table].append(row)
        out[LINKS_TABLE] = [{k: v for k, v in link.items() if v is not None} for link in links]
        return {t: rows for t, rows in out.items() if rows}


class _Force:
    """One force's map, built with a shared random source."""

    def __init__(self, rnd: random.Random, code: str, name: str, processes: int, as_of: dt.date):
        self.rnd, self.code, self.name, self.as_of = rnd, code, name, as_of
        self.n_processes = processes
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self._links: set[tuple[str, str, str]] = set()  # random picks may name a link twice; it is one link

    # -- building blocks ----------------------------------------------------------------
    def pick(self, weighted: tuple[tuple[Any, int], ...]) -> Any:
        values, weights = zip(*weighted, strict=True)
        return self.rnd.choices(values, weights)[0]

    def node(self, kind: str, **props: Any) -> str:
        self.nodes.append(node_from_props(kind, props))  # valid by construction: no validation cost
        return props[KEY]

    def edge(self, source: str, rel: str, target: str, note: str | None = None) -> None:
        if (source, rel, target) in self._links:
            return
        self._links.add((source, rel, target))
        self.edges.append(Edge.model_construct(source=source, rel=rel, target=target, note=note))

    def days_ago(self, days: float) -> dt.date:
        return self.as_of - dt.timedelta(days=max(0, int(days)))

    # -- the map ----------------------------------------------------------------------
    def build(self) -> None:
        c, rnd = self.code, self.rnd
        scale = max(self.n_processes / FORCE_PROCESSES, 0.02)
        areas = list(AREAS)[:max(2, min(len(AREAS), round(len(AREAS) * min(scale, 1.0))))]

        # Meetings: panel <- SAB/EXEC <- area boards <- working groups; one group reports nowhere.
        panel = self.node("Meeting", id=f"{c}-JARAP", name=f"{self.name} Joint Audit, Risk and Assurance Panel",
                          frequency="quarterly", chair="Independent chair", public=True, notes_published=True,
                          panel=True, purpose="Independent assurance to the PCC and Chief Constable")
        sab = self.node("Meeting", id=f"{c}-SAB", name=f"{self.name} Strategic Assurance Board", frequency="bi-monthly",
                        chair="Police and Crime Commissioner", public=False, notes_published=True)
        execb = self.node("Meeting", id=f"{c}-EXEC", name=f"{self.name} Executive Board", frequency="monthly",
                          chair="Police and Crime Commissioner", notes_published=True)
        self.edge(sab, "REPORTS_TO", panel)
        self.edge(execb, "REPORTS_TO", panel)
        boards, groups = {}, {}
        for i, area in enumerate(areas, 1):
            boards[area] = self.node("Meeting", id=f"{c}-M{i}", name=f"{AREAS[area][0]} ({self.name})",
                                     frequency=self.pick((("quarterly", 3), ("monthly", 2), ("6 weeks", 1))))
            self.edge(boards[area], "REPORTS_TO", sab if i % 3 else execb)
            groups[area] = self.node("Meeting", id=f"{c}-M{i}W", name=f"{area} working group ({self.name})",
                                     frequency="monthly")
            if rnd.random() < 0.85:  # the rest have no route to the panel
                self.edge(groups[area], "REPORTS_TO", boards[area])
        meetings = [sab, execb, *boards.values(), *groups.values()]

        # Plan commitments, a risk register and its actions.
        commitments = [self.node("Commitment", id=f"{c}-C{i}", title=f"Police and Crime Plan commitment {i} "
                                 f"({self.name})", theme=rnd.choice(areas), owner="Chief Constable",
                                 plan="Police and Crime Plan 2025-29")
                       for i in range(1, max(2, round(24 * scale)) + 1)]
        risks = [self.node("Risk", id=f"{c}-R{i}", title=f"Risk {i}: failure of {rnd.choice(areas).lower()} controls",
                           score=rnd.randint(1, 5) * rnd.randint(1, 5), likelihood=str(rnd.randint(1, 5)),
                           impact=str(rnd.randint(1, 5)), owner="Deputy Chief Constable",
                           register=f"{self.name} strategic risk register")
                 for i in range(1, max(2, round(48 * scale)) + 1)]
        unmitigated = set(rnd.sample(risks, max(1, len(risks) // 5)))
        for i in range(1, max(3, round(120 * scale)) + 1):
            target = self.as_of + dt.timedelta(days=rnd.randint(-400, 500))
            status = self.pick(STATUSES)
            props = dict(id=f"{c}-R{i % len(risks) + 1}-A{i}", title=f"Action {i} to reduce risk exposure",
                         owner=rnd.choice(OWNERS),
                         status=status)
            if rnd.random() < 0.08:
                props["target_text"] = rnd.choice(("Ongoing", "During June/July", "Complete"))
            else:
                props["target_date"] = target
            action = self.node("Action", **props)
            candidates = [r for r in risks if r not in unmitigated]
            for risk in rnd.sample(candidates, min(len(candidates), rnd.randint(1, 2))):
                self.edge(action, "MITIGATES", risk)
            if rnd.random() < 0.5:
                self.edge(action, "DELIVERS", rnd.choice(commitments))
            if rnd.random() < 0.1:
                self.edge(rnd.choice(risks), "LINKED_TO", rnd.choice(commitments))
        unoverseen = set(rnd.sample(commitments, max(1, len(commitments) // 6)))
        for commitment in commitments:
            if commitment not in unoverseen:
                self.edge(rnd.choice(meetings), "OVERSEES", commitment)
        for risk in rnd.sample(risks, len(risks) // 3):
            self.edge(rnd.choice([panel, sab, execb]), "OVERSEES", risk, note="Reviewed at each meeting")

        # Processes and their assurance.
        per_area = self._spread(self.n_processes, len(areas))
        counter = iter(range(1, 10 ** 9))
        for a, area in enumerate(areas):
            pools = {line: [self._source(next(counter), area, line, boards[area], groups[area])
                            for _ in range(max(1, per_area[a] // size))]
                     for line, size in ((2, 3), (3, 5), (4, 12))}
            names = AREAS[area][1]
            for k in range(per_area[a]):
                pid = self.node("Process", id=f"{c}-A{a + 1}-P{k + 1}", area=area,
                                name=f"{names[k % len(names)]} ({UNITS[(k // len(names)) % len(UNITS)]} {k + 1})",
                                owner=f"Head of {area}", criticality=self.pick(CRITICALITIES),
                                description=f"{names[k % len(names)]} in {self.name}")
                self.edge(pid, "SUPPORTS", rnd.choice(commitments))
                for risk in rnd.sample(risks, min(len(risks), rnd.randint(1, 5))):
                    self.edge(pid, "EXPOSED_TO", risk)
                if rnd.random() < 0.6:
                    self.edge(boards[area], "OVERSEES", pid)
                self._assure(pid, next_id=counter, area=area, pools=pools, board=boards[area], group=groups[area])
            for line in (3, 4):  # independent sources also assure commitments and risks
                for sid in rnd.sample(pools[line], max(1, len(pools[line]) // 3)):
                    self.edge(sid, "ASSURES", rnd.choice(commitments + risks))

    @staticmethod
    def _spread(total: int, parts: int) -> list[int]:
        return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]

    def _source(self, n: int, area: str, line: int, board: str, group: str, *, fresh: bool | None = None,
                reported: bool | None = None) -> str:
        rnd = self.rnd
        kind, provider = rnd.choice(LINE_KINDS[line])
        frequency = self.pick(FREQUENCIES[line])
        period = PERIOD_DAYS.get(frequency, 365)
        fresh = rnd.random() < 0.8 if fresh is None else fresh
        props: dict[str, Any] = dict(id=f"{self.code}-S{n}", name=f"{area} {kind} {n}", line=line, type=kind,
                                     provider=provider, opinion=self.pick(OPINIONS[line]), frequency=frequency)
        if fresh:
            props["last_assured"] = self.days_ago(rnd.uniform(0, period * 1.4))
        elif rnd.random() < 0.7:  # stale: older than 1.5 x its period
            props["last_assured"] = self.days_ago(period * rnd.uniform(1.6, 4.0))
        sid = self.node("AssuranceSource", **props)
        if reported if reported is not None else rnd.random() < 0.85:
            self.edge(sid, "REPORTS_TO", board if line > 1 else group)
        if line > 1 and rnd.random() < 0.1:
            self.edge(board, "OVERSEES", sid)
        return sid

    def _assure(self, pid: str, *, next_id: Iterator[int], area: str, pools: dict[int, list[str]], board: str,
                group: str) -> None:
        """One process's sources, by a profile that decides which gaps it shows."""
        rnd = self.rnd
        profile = rnd.random()
        own = lambda line, **kw: self._source(next(next_id), area, line, board, group, **kw)  # noqa: E731
        if profile < 0.06:  # uncovered (G1)
            return
        if profile < 0.16:  # management's own checks only (G2, G3)
            chosen = [own(1) for _ in range(rnd.randint(1, 2))]
        elif profile < 0.22:  # all out of date (G4)
            chosen = [own(1, fresh=False), own(2, fresh=False)]
        elif profile < 0.26:  # reported to no meeting (G6)
            chosen = [own(1, reported=False), own(3, reported=False)]
        else:
            chosen = [own(1) for _ in range(rnd.choice((0, 1, 1, 2)))]
            chosen += rnd.sample(pools[2], min(len(pools[2]), rnd.choice((1, 1, 2, 2))))
            if rnd.random() < 0.75:
                chosen.append(rnd.choice(pools[3]))
            if rnd.random() < 0.5:
                chosen += rnd.sample(pools[4], min(len(pools[4]), rnd.choice((1, 1, 2))))
            if not chosen:
                chosen = [rnd.choice(pools[2])]
        for sid in dict.fromkeys(chosen):
            self.edge(sid, "ASSURES", pid)


def force_code(i: int) -> str:
    return f"F{i:02d}" if i < 100 else f"F{i}"


def force_name(i: int) -> str:
    base = FORCES[(i - 1) % len(FORCES)]
    return base if i <= len(FORCES) else f"{base} {(i - 1) // len(FORCES) + 1}"


def generate(processes: int = SIZES["force"], seed: int = 1, as_of: dt.date = AS_OF) -> SyntheticMap:
    """About `processes` processes, spread over forces of ~465 each (one force below that)."""
    if processes < 1:
        raise ValueError("a map needs at least one process")
    forces = max(1, round(processes / FORCE_PROCESSES))
    rnd = random.Random(seed)
    nodes: list[Node] = []
    edges: list[Edge] = []
    for i, n in enumerate(_Force._spread(processes, forces), 1):
        force = _Force(rnd, force_code(i), force_name(i), n, as_of)
        force.build()
        nodes += force.nodes
        edges += force.edges
    return SyntheticMap(nodes, edges, seed, forces)


# -- writers --------------------------------------------------------------------------

def write(m: SyntheticMap, path: str | Path) -> Path:
    """Write the map as an import file: .json, .yaml/.yml or .xlsx (by extension)."""
    path = Path(path)
    ext = path.suffix.lower()
    tables = m.tables()
    if ext == ".json":
        with atomic_write(path) as fh:
            json.dump(tables, fh, ensure_ascii=False, separators=(",", ":"))
    elif ext in (".yaml", ".yml"):
        import yaml

        with atomic_write(path) as fh:
            yaml.dump(tables, fh, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False,
                      allow_unicode=True)
    elif ext == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        for table, rows in tables.items():
            ws = wb.create_sheet(table)
            header = [c for c in columns(table) if any(c in r for r in rows)]
            ws.append(header)
            for r in rows:
                ws.append([r.get(c) for c in header])
        with atomic_write(path, "wb") as out:
            wb.save(out)
    else:
        raise ValueError(f"cannot write {ext or path.name!r}: expected .json, .yaml, .yml or .xlsx")
    return path


def slices(m: SyntheticMap, rows: int) -> Iterator[tuple[list[Node], list[Edge]]]:
    """Nodes then edges in slices of at most `rows`, so each slice's links end at stored nodes."""
    for i in range(0, len(m.nodes), rows):
        yield m.nodes[i:i + rows], []
    for i in range(0, len(m.edges), rows):
        yield [], m.edges[i:i + rows]


def write_to_store(m: SyntheticMap, store: Store, rows: int | None = None) -> int:
    """Upsert the map in slices of `rows` (each all-or-nothing), or in one write when `rows` is 0;
    by default as SLICE_ROWS says for the store. Returns the number of writes."""
    rows = SLICE_ROWS.get(store.backend) if rows is None else rows
    if not rows or m.rows <= rows:
        store.upsert(m.nodes, m.edges)
        return 1
    writes = 0
    for nodes, edges in slices(m, rows):
        store.upsert(nodes, edges)
        writes += 1
    return writes


def run_generate(args: argparse.Namespace, store: Store) -> int:
    """`assurance-map generate [--size S | --processes N] [--seed N] [--out FILE]`."""
    processes = args.processes if getattr(args, "processes", None) else SIZES[getattr(args, "size", None) or "force"]
    if processes < 1:
        print("assurance-map generate: --processes must be 1 or more", file=sys.stderr)
        return 2
    start = time.perf_counter()
    m = generate(processes, getattr(args, "seed", 1))
    what = (f"{len(m.nodes)} nodes and {len(m.edges)} links ({m.forces} force{'s' if m.forces != 1 else ''}, "
            f"seed {m.seed}, dated for analysis at {AS_OF.isoformat()})")
    if getattr(args, "out", None):
        try:
            path = write(m, args.out)
        except ValueError as exc:
            print(f"assurance-map generate: --out {args.out}: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {path}: {what} in {time.perf_counter() - start:.1f} s")
    else:
        write_to_store(m, store)
        print(f"loaded {what} into the {store.backend} store in {time.perf_counter() - start:.1f} s")
    return 0
