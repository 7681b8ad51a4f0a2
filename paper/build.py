"""The panel paper built once, as a document model (document.py), from the map now, the changes since
a snapshot and the accepted gaps; pdf.py and word.py render it. The parts come in the order a panel
paper has them: purpose and recommendation, coverage by area with its direction of travel, the heat
map, the high-severity findings with their owners, the changes since the snapshot, the accepted gaps
and those due for review, the overdue actions by risk, and an appendix of every finding.

Every part is bounded (the template's `limits`): on a large map the paper lists the worst rows and
says how many it leaves out and where to find them all."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from graphmodel.cycle.acceptances import Kept
from graphmodel.cycle.changes import Changes, Travel
from graphmodel.cycle.snapshots import MapState
from graphmodel.gaps.model import Assessment, Finding, Severity, Status
from graphmodel.gaps.rules import RULES
from graphmodel.gaps.summary import summarise
from graphmodel.schema import LINE_NAMES, LINES
from viz import style
from viz.heatmap import Cell as HeatCell
from viz.triage import triage

from .document import Block, Bullets, Cell, Document, Heading, Paragraph, Section, Table
from .template import Template

CLASS_RANK = {Status.UNCOVERED: 0, Status.WEAK: 1, Status.ADEQUATE: 2}
AREA_FILL = "#eeeeee"


def build(state: MapState, *, changes: Changes | None, kept: Sequence[Kept], template: Template,
          title: str | None = None) -> Document:
    paper = _Paper(state, changes, kept, template)
    values = paper.placeholders(template.title)
    # A title given for this paper is the user's text as it is; the template's has placeholders.
    values["title"] = title if title is not None else template.fill("title", values)
    since = f", compared with the snapshot {changes.since.name!r} (as of {changes.since.as_of.isoformat()})" \
        if changes else ""
    return Document(
        title=values["title"], as_of=state.as_of, organisation=template.fill("organisation", values),
        subtitle=f"The assurance map as it stood on {state.as_of.isoformat()}{since}",
        sections=(paper.purpose_part(values), paper.coverage_part(), paper.heat_map_part(),
                  paper.high_findings_part(), paper.changes_part(), paper.accepted_part(), paper.overdue_part(),
                  paper.appendix_part()),
        footer=f"{values['title']}, {state.as_of.isoformat()}")


def _text(words: str) -> list[Block]:
    """A template's text: paragraphs between blank lines; lines starting "- " make a list."""
    blocks: list[Block] = []
    for chunk in (c.strip() for c in words.strip().split("\n\n")):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        bullets = [line[2:].strip() for line in lines if line.startswith("- ")]
        lead = " ".join(line for line in lines if not line.startswith("- "))
        if lead:
            blocks.append(Paragraph(lead))
        if bullets:
            blocks.append(Bullets(tuple(bullets)))
    return blocks


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def travel_cell(direction: Travel | None, detail: str = "") -> Cell:
    if direction is None:
        return Cell("")
    return Cell(f"{direction.sign} {direction.value}", style.TRAVEL_COLOURS[direction.value], small=detail)


def status_cell(status: Status | None, score: float | None = None) -> Cell:
    if status is None:
        return Cell("not assessed")
    look = style.STATUS[status]
    return Cell(f"{look.glyph} {style.STATUS_SHORT[status]}", look.fill, look.text,
                small=f"strength {score:.2f}" if score is not None else "")


def rag_cell(status: str | None) -> Cell:
    if not status:
        return Cell("no status")
    colour = style.RAG_COLOURS.get(status)
    return Cell(style.RAG_WORDS.get(status, status), colour, style.text_colour(colour) if colour else None)


def severity_cell(severity: Severity) -> Cell:
    colour = style.tint(style.SEVERITY_COLOURS[severity], 0.25)
    return Cell(severity.value, colour, style.text_colour(colour), bold=severity is Severity.HIGH)


def _left_out(shown: int, total: int, what: str, where: str) -> list[Block]:
    if shown >= total:
        return []
    return [Paragraph(f"{shown} of {total} {what} are listed here; {where}.", note=True)]


class _Paper:
    def __init__(self, state: MapState, changes: Changes | None, kept: Sequence[Kept], template: Template):
        self.state, self.g, self.report = state, state.graph, state.report
        self.changes, self.kept, self.template = changes, kept, template
        self.limits = template.limits
        self.summary = summarise(self.report)
        self.due = [k for k in kept if k.due(template.review_due_within_days)]
        self.lapsed = [k for k in kept if k.state == "lapsed"]
        self.overdue_groups = triage(self.g, self.report).overdue
        self.overdue_count = len({a.action_id for grp in self.overdue_groups for a in grp.actions})

    # -- helpers ------------------------------------------------------------------------
    def node(self, node_id: str) -> Any:
        return self.g.nodes[node_id]["node"] if node_id in self.g else None

    def owner(self, node_id: str) -> str:
        node = self.node(node_id)
        return (getattr(node, "owner", None) or getattr(node, "provider", None) or "no owner recorded") \
            if node is not None else ""

    def item(self, f: Finding) -> Cell:
        where = " · ".join(x for x in (f.node_id, f.area) if x)
        return Cell(f.label or f.node_id, small=f"{style.kind_words(f.kind)} {where}")

    def placeholders(self, title: str) -> dict[str, Any]:
        s, c = self.summary, self.changes
        moved = [p.direction for p in c.processes] if c else []
        return {"title": title, "organisation": self.template.organisation, "as_of": self.state.as_of.isoformat(),
                "since": c.since.name if c else "the last snapshot (none has been taken yet)",
                "since_as_of": c.since.as_of.isoformat() if c else "-", "processes": s.processes,
                "adequate": s.by_status[Status.ADEQUATE], "weak": s.by_status[Status.WEAK],
                "uncovered": s.by_status[Status.UNCOVERED],
                "coverage": _pct(s.by_status[Status.ADEQUATE] / s.processes if s.processes else None),
                "findings": s.findings, "open": s.open, "high": s.open_by_severity.get(Severity.HIGH, 0),
                "accepted": s.accepted, "due": len(self.due), "lapsed": len(self.lapsed),
                "new": len(c.findings.new) if c else 0, "resolved": len(c.findings.resolved) if c else 0,
                "improved": moved.count(Travel.IMPROVED), "worsened": moved.count(Travel.WORSENED),
                "overdue": self.overdue_count}

    # -- 1 ---------------------------------------------------------------------------------
    def purpose_part(self, values: dict[str, Any]) -> Section:
        t = self.template
        return Section("Purpose and recommendation", (
            Heading("Purpose"), *_text(t.fill("purpose", values)),
            Heading("Recommendation"), *_text(t.fill("recommendation", values))))

    # -- 2 ---------------------------------------------------------------------------------
    def coverage_part(self) -> Section:
        c = self.changes
        columns = ["Area", "Processes", "Uncovered", "Weak", "Adequate", "Coverage"]
        if c:
            columns.append(f"Since {c.since.name}")
        rows = []
        for name, a in self.summary.areas.items():
            row = [Cell(name, bold=True), Cell(str(a.processes)),
                   *(Cell(str(a.count(s)), style.STATUS[s].fill if a.count(s) else None,
                          style.STATUS[s].text if a.count(s) else None) for s in style.WORST_FIRST),
                   Cell(_pct(a.coverage), small=f"{a.covered} of {a.processes} covered at all")]
            if c:
                moved = c.area(name)
                row.append(travel_cell(moved.direction if moved else None,
                                       f"{_pct(moved.coverage_before)} then" if moved else ""))
            rows.append(tuple(row))
        if c:
            for gone in (a for a in c.areas if a.direction is Travel.REMOVED):
                rows.append((Cell(gone.area, bold=True), *(Cell("-") for _ in range(4)), Cell("-"),
                             travel_cell(Travel.REMOVED, f"{_pct(gone.coverage_before)} then")))
        blocks: list[Block] = [Paragraph(
            "Coverage is the share of an area's key processes that are adequately assured; a process is uncovered "
            "when no source of assurance covers it, and weakly assured when a gap rule holds for it (only "
            "management's own assurance, no recent independent assurance, out-of-date or negative assurance, or "
            "assurance that reports to no meeting).")]
        widths = (0.21, 0.12, 0.13, 0.08, 0.12, 0.14) + ((0.2,) if c else ())
        blocks.append(Table(tuple(columns), tuple(rows), _fit(widths)) if rows
                      else Paragraph("There are no processes."))
        if not c:
            blocks.append(Paragraph("There is no earlier snapshot to compare with: take one after this meeting "
                                    "(with the command \"assurance-map snapshot save NAME\") so the next paper shows "
                                    "the direction of travel.", note=True))
        return Section("Coverage by area", tuple(blocks))

    # -- 3 ---------------------------------------------------------------------------------
    def heat_map_part(self) -> Section:
        limit, c = self.limits["heat_map"], self.changes
        assessments = list(self.report.assessments)
        chosen = assessments
        if len(assessments) > limit:
            chosen = sorted(assessments, key=lambda a: (CLASS_RANK[a.status], a.score, a.process_id))[:limit]
        chosen = sorted(chosen, key=lambda a: (a.area, a.name.lower(), a.process_id))
        columns = ("Process", "Id", "Class", *(LINE_NAMES[line] for line in LINES)) + (("Since",) if c else ())
        rows: list[tuple[Cell, ...]] = []
        area = None
        for a in chosen:
            if a.area != area:
                area = a.area
                rows.append((Cell(a.area, AREA_FILL, bold=True), *(Cell("", AREA_FILL) for _ in columns[1:])))
            moved = c.process(a.process_id) if c else None
            rows.append((Cell(a.name), Cell(a.process_id), status_cell(a.status, a.score),
                         *(self.line_cell(a, line) for line in LINES),
                         *((travel_cell(moved.direction if moved else None),) if c else ())))
        blocks: list[Block] = [Paragraph(
            "Each row is a key process; its class and strength score come first. Each line of defence shows its "
            "best source: the colour is that source's opinion (dark green substantial, light green reasonable, "
            "amber limited, red none, grey unrated) and its strength is how recent it is (full when current, paler "
            "when due or out of date); the words say the same. An empty cell means no source on that line."
            + (" \"Since\" is the direction of travel since the snapshot." if c else "")),
            *_left_out(len(chosen), len(assessments), "processes (the weakest first)",
                       "the whole heat map is on the Heat map page, by area")]
        if rows:
            widths = (0.19, 0.11, 0.12, 0.115, 0.115, 0.115, 0.115) + ((0.12,) if c else ())
            blocks.append(Table(columns, tuple(rows), _fit(widths), compact=True))
        else:
            blocks.append(Paragraph("There are no processes."))
        return Section("Heat map", tuple(blocks))

    def line_cell(self, a: Assessment, line: int) -> Cell:
        cell = HeatCell(line, tuple(s for s in a.sources if s.line == line))
        return Cell(cell.words, cell.colour, style.text_colour(cell.colour)) if cell.sources else Cell("")

    # -- 4 ---------------------------------------------------------------------------------
    def high_findings_part(self) -> Section:
        high = [f for f in self.report.findings if f.severity is Severity.HIGH and f.is_open]
        high.sort(key=lambda f: (f.area or "", f.rule, f.label.lower()))
        limit = self.limits["high_findings"]
        rows = tuple((self.item(f), Cell(style.rule_title(f.rule)), Cell(" ".join(_sentence(r) for r in f.reasons)),
                      Cell(self.owner(f.node_id))) for f in high[:limit])
        blocks: list[Block] = [Paragraph(f"{len(high)} open finding(s) of high severity. Each says what is missing "
                                         "and names the owner of the item it is about."),
                               *_left_out(limit, len(high), "high-severity findings",
                                          "the appendix and the gap report list them all")]
        if rows:
            blocks.append(Table(("Item", "Finding", "Why", "Owner"), rows, _fit((0.22, 0.16, 0.44, 0.18))))
        return Section("High-severity findings", tuple(blocks))

    # -- 5 ---------------------------------------------------------------------------------
    def changes_part(self) -> Section:
        c = self.changes
        if c is None:
            return Section("Changes since the last snapshot", (Paragraph(
                "No snapshot has been taken yet, so there is nothing to compare with. After this meeting, take "
                "one (\"assurance-map snapshot save 'JARAP <month> <year>'\") and the next paper will show what "
                "changed."),))
        limit = self.limits["changes"]
        counts = {d: sum(1 for p in c.processes if p.direction is d) for d in Travel}
        acts = [a for a in c.actions if a.direction is not Travel.UNCHANGED]
        summary = [
            f"{counts[Travel.IMPROVED]} process(es) improved and {counts[Travel.WORSENED]} worsened; "
            f"{counts[Travel.NEW]} new and {counts[Travel.REMOVED]} removed.",
            f"{len(c.findings.new)} new finding(s), {len(c.findings.resolved)} resolved and "
            f"{len(c.findings.persisting)} persisting.",
            f"{len(acts)} action(s) changed RAG status: "
            f"{sum(1 for a in acts if a.direction is Travel.IMPROVED)} for the better, "
            f"{sum(1 for a in acts if a.direction is Travel.WORSENED)} for the worse.",
            f"In the map: {len(c.nodes.added)} item(s) added, {len(c.nodes.removed)} removed and "
            f"{len(c.nodes.changed)} changed."]
        blocks: list[Block] = [Paragraph(f"Since the snapshot {c.since.name!r}, as of {c.since.as_of.isoformat()}:"),
                               Bullets(tuple(summary))]
        if not c.same_policy:
            blocks.append(Paragraph("The snapshot was judged under a different policy; some changes may come from "
                                    "the policy rather than the map.", note=True))
        moved = c.moved()
        if moved:
            blocks.append(Heading("Processes that moved"))
            blocks.append(Table(("Process", "Id", "Then", "Now", "Direction"), tuple(
                (Cell(p.name, small=p.area), Cell(p.process_id), status_cell(p.before, p.score_before),
                 status_cell(p.after, p.score_after), travel_cell(p.direction)) for p in moved[:limit]),
                _fit((0.3, 0.14, 0.19, 0.19, 0.18))))
            blocks += _left_out(limit, len(moved), "processes that moved", CHANGES_ALL)
        for title, found in (("New findings", c.findings.new), ("Resolved findings", c.findings.resolved)):
            if found:
                blocks.append(Heading(title))
                ordered = sorted(found, key=lambda f: (style.SEVERITY_ORDER[f.severity], f.rule, f.node_id))
                blocks.append(Table(("Finding", "Severity", "Item", "Why"), tuple(
                    (Cell(style.rule_title(f.rule)), severity_cell(f.severity), self.item(f),
                     Cell(" ".join(_sentence(r) for r in f.reasons))) for f in ordered[:limit]),
                    _fit((0.17, 0.1, 0.25, 0.48)), compact=True))
                blocks += _left_out(limit, len(found), title.lower(), CHANGES_ALL)
        if acts:
            blocks.append(Heading("Actions whose RAG status moved"))
            blocks.append(Table(("Action", "Id", "Then", "Now", "Direction"), tuple(
                (Cell(a.title), Cell(a.action_id), rag_cell(a.status_before), rag_cell(a.status_after),
                 travel_cell(a.direction)) for a in acts[:limit]), _fit((0.36, 0.12, 0.16, 0.16, 0.2))))
            blocks += _left_out(limit, len(acts), "actions", CHANGES_ALL)
        return Section(f"Changes since {c.since.name}", tuple(blocks))

    # -- 6 ---------------------------------------------------------------------------------
    def accepted_part(self) -> Section:
        window = self.template.review_due_within_days
        order = {"lapsed": 0, "in force": 2, "finding resolved": 3, "not yet made": 4}
        listed = sorted(self.kept, key=lambda k: (order[k.state] - (1 if k.due(window) else 0),
                                                  k.acceptance.review, k.acceptance.rule, k.acceptance.node_id))
        in_force = sum(1 for k in self.kept if k.state == "in force")
        blocks: list[Block] = [Paragraph(
            f"The panel has accepted {in_force} gap(s) that still hold; {len(self.due)} are due for review within "
            f"{window} days, and {len(self.lapsed)} acceptance(s) have lapsed, so those gaps are open again. An "
            "acceptance lapses at its review date, or when the evidence about its item changes.")]
        if listed:
            blocks.append(Table(("Finding", "Item", "Accepted", "Reason", "Review by", "State"), tuple(
                (Cell(style.rule_title(k.acceptance.rule)),
                 Cell(k.finding.label if k.finding else k.acceptance.node_id, small=k.acceptance.node_id),
                 Cell(k.acceptance.by, small=f"on {k.acceptance.on.isoformat()}"), Cell(k.acceptance.reason),
                 Cell(k.acceptance.review.isoformat()), self.state_cell(k, window)) for k in listed),
                _fit((0.15, 0.17, 0.16, 0.24, 0.11, 0.17)), compact=True))
        return Section("Accepted gaps and reviews due", tuple(blocks))

    def state_cell(self, k: Kept, window: int) -> Cell:
        if k.state == "lapsed":
            return Cell("lapsed", style.tint(style.RAG_COLOURS["red"], 0.3), small=k.lapsed or "")
        if k.due(window):
            return Cell("due for review", style.tint(style.RAG_COLOURS["amber"], 0.5))
        return Cell(k.state, style.tint(style.RAG_COLOURS["green"], 0.3) if k.state == "in force" else None)

    # -- 7 ---------------------------------------------------------------------------------
    def overdue_part(self) -> Section:
        limit, shown, total = self.limits["overdue_actions"], 0, 0
        blocks: list[Block] = []
        c = self.changes
        for grp in self.overdue_groups:
            total += len(grp.actions)  # an action against two risks is listed under both
            room = limit - shown
            if room <= 0:
                continue
            title = f"Risk {grp.risk_id}: {grp.title}" + (f" (score {grp.score})" if grp.score else "") \
                if grp.risk_id else grp.title
            blocks.append(Heading(title))
            rows = []
            for a in grp.actions[:room]:
                moved = c.action(a.action_id) if c else None
                status = getattr(self.node(a.action_id), "status", None)
                rows.append((Cell(a.title), Cell(a.action_id), Cell(a.owner or "no owner recorded"),
                             Cell(a.target_date.isoformat() if a.target_date else "-", small=a.overdue),
                             rag_cell(status), travel_cell(moved.direction if moved else None) if c else Cell("-")))
            shown += len(rows)
            blocks.append(Table(("Action", "Id", "Owner", "Target date", "RAG", "Since"), tuple(rows),
                                _fit((0.3, 0.1, 0.18, 0.16, 0.13, 0.13)), compact=True))
        lead = Paragraph(f"{self.overdue_count} action(s) are past their target date and not complete, grouped "
                         "under the risks they were meant to reduce, the risks with most overdue work first."
                         if total else "No action is past its target date.")
        return Section("Overdue actions by risk", (lead, *blocks, *_left_out(shown, total, "rows of overdue actions",
                                                                             "the dashboard lists them all")))

    # -- 8 ---------------------------------------------------------------------------------
    def appendix_part(self) -> Section:
        limit = self.limits["appendix"]
        found = sorted(self.report.findings, key=lambda f: (style.SEVERITY_ORDER[f.severity], f.rule, f.node_id))
        rows = tuple((Cell(f.rule), severity_cell(f.severity), self.item(f),
                      Cell(" ".join(_sentence(r) for r in f.reasons)),
                      Cell("open" if f.accepted is None else ("accepted" if f.accepted.in_force else "lapsed"),
                           small=f"by {f.accepted.by}" if f.accepted else ""))
                     for f in found[:limit])
        by_rule = [(rule, [f for f in found if f.rule == rule]) for rule in RULES]
        counts = Table(("Rule", "Severity", "Findings", "Open", "Accepted", "Listed below"), tuple(
            (Cell(style.rule_title(rule)), severity_cell(group[0].severity), Cell(str(len(group))),
             Cell(str(sum(1 for f in group if f.is_open))), Cell(str(sum(1 for f in group if not f.is_open))),
             Cell(str(sum(1 for f in found[:limit] if f.rule == rule))))
            for rule, group in by_rule if group), _fit((0.34, 0.14, 0.13, 0.13, 0.13, 0.13)), compact=True)
        blocks: list[Block] = [Paragraph(f"Every finding at {self.state.as_of.isoformat()}, the most severe first: "
                                         f"{len(found)} in all."), *((counts,) if found else ()),
                               *_left_out(limit, len(found), "findings (the most severe first)",
                                          "all of them are in \"assurance-map gaps --format csv\" and the findings "
                                          "export")]
        if rows:
            blocks.append(Table(("Rule", "Severity", "Item", "Why", "State"), rows, _fit((0.07, 0.1, 0.24, 0.47, 0.12)),
                                compact=True))
        return Section("Appendix: every finding", tuple(blocks))


CHANGES_ALL = 'the command "assurance-map changes" lists them all'


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return (reason[0].upper() + reason[1:] + ("" if reason.endswith((".", "!", "?")) else ".")) if reason else ""


def _fit(widths: Iterable[float]) -> tuple[float, ...]:
    ws = tuple(widths)
    total = sum(ws)
    return tuple(w / total for w in ws)

