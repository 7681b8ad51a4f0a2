"""Reporting routes: the meetings a source reports to, on up to the audit panel.

Every meeting's route is found at once, in time linear in the meetings and their REPORTS_TO
links, however long the chains or tangled the loops: one breadth-first pass back from the
panels gives each meeting its distance to the nearest panel and the next meeting on its way
there; meetings with no route are grouped into strongly connected components, so a loop
among them is found once and named in the words.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping

from .facts import MeetingFact

LOOP_NAMES_SHOWN = 6  # a longer loop is named by its first meetings and its length


class Routes(Mapping[str, tuple[MeetingFact, ...]]):
    """For each meeting with a route, the shortest chain of meetings from it up to an audit-panel
    meeting (itself when it is one); meetings with no such route are not keys. Among equally
    short routes the one through the first meeting in id order is taken, at every step, so the
    route is always the same. Chains are built when asked for; the pass itself stores one next
    meeting per meeting."""

    def __init__(self, meetings: Iterable[MeetingFact]):
        self.meetings = {m.id: m for m in meetings}
        by_id = self.meetings
        reported_by: dict[str, list[str]] = {}
        for m in by_id.values():
            for target in m.reports_to:
                if target in by_id:
                    reported_by.setdefault(target, []).append(m.id)
        distance = {mid: 0 for mid, m in by_id.items() if m.panel}
        queue = deque(distance)
        while queue:
            target = queue.popleft()
            for mid in reported_by.get(target, ()):
                if mid not in distance:
                    distance[mid] = distance[target] + 1
                    queue.append(mid)
        self.distance = distance
        self.next: dict[str, str] = {
            mid: next(t for t in sorted(by_id[mid].reports_to) if distance.get(t) == d - 1)
            for mid, d in distance.items() if d}
        self._loops: Loops | None = None
        self._texts: dict[str, str] = {}
        self._said: dict[tuple[str, ...], str] = {}  # by the meetings a source reports to

    # -- Mapping: meeting id -> its chain up to the panel -----------------------------------
    def __getitem__(self, meeting_id: str) -> tuple[MeetingFact, ...]:
        if meeting_id not in self.distance:
            raise KeyError(meeting_id)
        return tuple(self.meetings[m] for m in self._walk(meeting_id))

    def __contains__(self, meeting_id: object) -> bool:
        return meeting_id in self.distance

    def __iter__(self) -> Iterator[str]:
        return iter(self.distance)

    def __len__(self) -> int:
        return len(self.distance)

    def _walk(self, meeting_id: str) -> Iterator[str]:
        node: str | None = meeting_id
        while node is not None:
            yield node
            node = self.next.get(node)

    # -- words ------------------------------------------------------------------------------
    def route_text(self, meeting_id: str) -> str:
        """'Audit Committee -> JARAP': the names along a meeting's route."""
        found = self._texts.get(meeting_id)
        if found is None:
            found = self._texts[meeting_id] = " -> ".join(self.meetings[m].name for m in self._walk(meeting_id))
        return found

    def text(self, direct: tuple[str, ...]) -> str:
        """Where a source's reports go, from the meetings it reports to directly: the shortest
        route to the panel; else those meetings, saying there is no route and naming any loop
        the reports go round; '' when it reports to no meeting."""
        found = self._said.get(direct)
        if found is None:
            found = self._said[direct] = self._text([m for m in direct if m in self.meetings])
        return found

    def _text(self, direct: list[str]) -> str:
        routed = [m for m in direct if m in self.distance]
        if routed:
            best = min(routed, key=lambda m: (self.distance[m], m))
            return self.route_text(best) + " (audit panel)"
        if not direct:
            return ""
        names = "; ".join(self.meetings[m].name for m in direct)
        loop = self.loops.first_reached(direct)
        if loop is None:
            return names + " (no route to the audit panel)"
        return f"{names} (no route to the audit panel: the reports go round a loop, {self.loops.words(loop)})"

    @property
    def loops(self) -> Loops:
        if self._loops is None:
            self._loops = Loops(self.meetings, self.distance)
        return self._loops


class Loops:
    """The loops among meetings with no route to the panel: strongly connected components (by
    Tarjan's algorithm, without recursion) of more than one meeting, or of one that reports to
    itself; and for each meeting, the first loop its reports reach."""

    def __init__(self, meetings: Mapping[str, MeetingFact], routed: Mapping[str, int]):
        self.meetings = meetings
        self.links = {mid: sorted(t for t in m.reports_to if t in meetings and t not in routed)
                      for mid, m in meetings.items() if mid not in routed}
        self.component: dict[str, int] = {}
        self.members: list[list[str]] = []
        self.reaches: list[str | None] = []  # per component: the smallest id of the first loop it reaches
        self._tarjan()
        self._words: dict[str, str] = {}

    def _tarjan(self) -> None:
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        for root in sorted(self.links):
            if root in index:
                continue
            index[root] = low[root] = len(index)
            stack.append(root)
            on_stack.add(root)
            work = [(root, iter(self.links[root]))]
            while work:
                node, targets = work[-1]
                for t in targets:
                    if t not in index:
                        index[t] = low[t] = len(index)
                        stack.append(t)
                        on_stack.add(t)
                        work.append((t, iter(self.links[t])))
                        break
                    if t in on_stack:
                        low[node] = min(low[node], index[t])
                else:
                    work.pop()
                    if work:
                        low[work[-1][0]] = min(low[work[-1][0]], low[node])
                    if low[node] == index[node]:
                        self._close(node, stack, on_stack)

    def _close(self, head: str, stack: list[str], on_stack: set[str]) -> None:
        """A component is complete: components close sinks first, so every component it links
        to already knows the loop it reaches."""
        members = []
        while True:
            m = stack.pop()
            on_stack.discard(m)
            members.append(m)
            if m == head:
                break
        number = len(self.members)
        for m in members:
            self.component[m] = number
        self.members.append(sorted(members))
        is_loop = len(members) > 1 or head in self.links[head]
        if is_loop:
            self.reaches.append(self.members[number][0])
        else:
            reached = {self.reaches[self.component[t]] for m in members for t in self.links[m]} - {None}
            self.reaches.append(min(reached, default=None))  # type: ignore[type-var]

    def first_reached(self, meeting_ids: Iterable[str]) -> str | None:
        """The loop (by its smallest meeting id) that reports from these meetings reach first."""
        reached = {self.reaches[self.component[m]] for m in meeting_ids if m in self.component} - {None}
        return min(reached, default=None)  # type: ignore[type-var]

    def words(self, loop: str) -> str:
        """'A -> B -> C -> A': the shortest way round from the loop's smallest meeting id back to it."""
        found = self._words.get(loop)
        if found is None:
            found = self._words[loop] = self._describe(self._cycle(loop))
        return found

    def _cycle(self, start: str) -> list[str]:
        number = self.component[start]
        if start in self.links[start]:
            return [start]
        parent: dict[str, str] = {}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for t in self.links[node]:
                if t == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return path[::-1]
                if self.component.get(t) == number and t not in parent:
                    parent[t] = node
                    queue.append(t)
        raise AssertionError(f"{start} is on no loop")  # unreachable: a component of a loop

    def _describe(self, cycle: list[str]) -> str:
        names = [self.meetings[m].name for m in cycle]
        if len(names) <= LOOP_NAMES_SHOWN:
            return " -> ".join([*names, names[0]])
        return " -> ".join([*names[:LOOP_NAMES_SHOWN - 1], "...", names[0]]) + f", {len(names):,} meetings in all"


def reporting_chains(meetings: Iterable[MeetingFact]) -> Routes:
    """Every meeting's route up to the audit panel (see Routes)."""
    return Routes(meetings)
