"""Cell suppression across linked tables: which figures the public may not see.

A linked table is a set of cells (figures, each with the number of people or
applications it rests on) and lines: groups of cells whose sum is published, either
as a cell of its own (the line's `total`, which may be hidden as well) or elsewhere
(`total=None`: it counts as known). One wijk's month, for example, lies on two
lines: the months of that wijk (which add up to the wijk's figure) and the wijken
of that month (which add up to the month on the overview).

The rule is decided for the whole linked table at once, so every page that shows a
part of it (the overview, each wijk page, their CSV files) hides the same cells:

1. Primary: a cell resting on 1 to 4 is hidden. Zero is shown: it identifies nobody.
2. Secondary, line by line: a line with hidden cells must have at least two, and
   the hidden ones must rest on 5 or more together unless the line's total is hidden
   too; otherwise its smallest non-zero cell shown is hidden as well, or its total
   when there is none. Cells that are zero are never hidden to protect another. A
   line whose total is published elsewhere and that has nothing left to hide rests on
   its hidden cells alone: when those rest on fewer than 5, that total is hidden by
   its own rule and the line gives nothing away; otherwise the audit has to help.
3. Audit: lines can be combined (the overview's month minus the other wijken, plus
   the wijk's other months, ...). Take the lines as nodes and the hidden cells as
   edges between the (at most two) lines each lies on; a line without a known sum
   is the one free node. A hidden cell can be worked out exactly if and only if its
   edge lies on no cycle (it is a bridge). For every small cell that is a bridge, the
   cheapest chain of shown cells that closes a cycle through it is hidden too, and the
   rule runs again until nothing changes.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

SUPPRESS_BELOW = 5

# The node of every line whose sum is not known (and of the missing second line of a cell).
FREE = "free"


def is_small(basis: int) -> bool:
    """1 to 4: too few to show."""
    return 0 < basis < SUPPRESS_BELOW


@dataclass(frozen=True)
class Line:
    """Cells whose sum is published: as the cell `total`, or elsewhere when it is None."""

    parts: tuple[Hashable, ...]
    total: Hashable | None = None


@dataclass
class Decision:
    """Which cells of a linked table are hidden, and why."""

    primary: set[Hashable] = field(default_factory=set)
    secondary: set[Hashable] = field(default_factory=set)
    # Small cells that can still be worked out within this table (nothing left to hide).
    exposed: set[Hashable] = field(default_factory=set)

    @property
    def hidden(self) -> set[Hashable]:
        return self.primary | self.secondary


def suppress(*, bases: dict[Hashable, int], lines: Iterable[Line]) -> Decision:
    """Decide which cells of a linked table to hide; `bases` gives what each cell rests on."""
    lines = list(lines)
    order = {key: i for i, key in enumerate(bases)}
    decision = Decision(primary={key for key, basis in bases.items() if is_small(basis)})
    hidden = set(decision.primary)
    open_lines: set[int] = set()
    stuck: set[int] = set()

    def hide(key: Hashable) -> None:
        hidden.add(key)
        decision.secondary.add(key)

    changed = True
    while changed:
        changed = _protect_lines(lines, bases, order, hidden, open_lines, stuck, hide)
        if not changed:
            changed = _close_cycles(lines, bases, order, hidden, open_lines, hide, decision)
    return decision


def _line_needs_more(line: Line, bases, hidden: set) -> bool:
    hidden_parts = [key for key in line.parts if key in hidden]
    total_hidden = line.total is not None and line.total in hidden
    count = len(hidden_parts) + total_hidden
    if count == 0:
        return False
    if count == 1:
        return True
    return not total_hidden and is_small(sum(bases[key] for key in hidden_parts))


def _protect_lines(lines, bases, order, hidden, open_lines, stuck, hide) -> bool:
    """Step 2 for every line; whether anything was hidden."""
    changed = False
    for index, line in enumerate(lines):
        while index not in stuck and _line_needs_more(line, bases, hidden):
            candidates = [key for key in line.parts if key not in hidden and bases[key] > 0]
            if candidates:
                hide(min(candidates, key=lambda key: (bases[key], order[key])))
                changed = True
            elif line.total is not None and line.total not in hidden:
                hide(line.total)
                changed = True
            else:
                # Nothing left to hide. When the hidden cells rest on fewer than 5
                # together, so does the total published elsewhere, which its own rule
                # hides: the line says nothing. Otherwise the audit has to help.
                stuck.add(index)
                if is_small(sum(bases[key] for key in line.parts if key in hidden)):
                    open_lines.add(index)
    return changed


def _edges(lines, bases, open_lines) -> dict[Hashable, tuple[Hashable, Hashable]]:
    """Each cell as an edge between the nodes of the lines it lies on."""
    memberships: dict[Hashable, list[Hashable]] = defaultdict(list)
    for index, line in enumerate(lines):
        node = FREE if index in open_lines else index
        for key in line.parts:
            memberships[key].append(node)
        if line.total is not None:
            memberships[line.total].append(node)
    edges = {}
    for key in bases:
        nodes = memberships.get(key, [])
        if len(nodes) > 2:
            raise ValueError(f"{key!r} lies on more than two lines")
        nodes = nodes + [FREE] * (2 - len(nodes))
        edges[key] = (nodes[0], nodes[1])
    return edges


def _cheapest_path(edges, start, goal, *, skip, cost) -> list[Hashable] | None:
    """The cells on the cheapest path from node `start` to `goal` not using cell `skip`.

    `cost(cell)` is what using a cell costs, None where it may not be used.
    """
    adjacency = defaultdict(list)
    for key, (a, b) in edges.items():
        weight = cost(key)
        if key == skip or weight is None:
            continue
        adjacency[a].append((b, key, weight))
        adjacency[b].append((a, key, weight))
    best = {start: 0}
    previous: dict[Hashable, tuple[Hashable, Hashable]] = {}
    queue: list = [(0, 0, start)]
    counter = 1
    while queue:
        distance, _tie, node = heapq.heappop(queue)
        if node == goal:
            path = []
            while node != start:
                node, key = previous[node]
                path.append(key)
            return path
        if distance > best[node]:
            continue
        for neighbour, key, weight in adjacency[node]:
            if distance + weight < best.get(neighbour, float("inf")):
                best[neighbour] = distance + weight
                previous[neighbour] = (node, key)
                heapq.heappush(queue, (distance + weight, counter, neighbour))
                counter += 1
    return None


def _close_cycles(lines, bases, order, hidden, open_lines, hide, decision) -> bool:
    """Step 3: hide the cheapest shown cells that keep a small cell from being worked out."""
    edges = _edges(lines, bases, open_lines)
    hidden_edges = {key: ends for key, ends in edges.items() if key in hidden}

    def hidden_only(key):
        return 0

    def hide_cost(key):
        if key in hidden:
            return 0
        return bases[key] if bases[key] > 0 else None

    for key in sorted(decision.primary - decision.exposed, key=order.__getitem__):
        start, goal = edges[key]
        if (
            start == goal
            or _cheapest_path(hidden_edges, start, goal, skip=key, cost=hidden_only) is not None
        ):
            continue
        path = _cheapest_path(edges, start, goal, skip=key, cost=hide_cost)
        if path is None:
            decision.exposed.add(key)
            continue
        for each in path:
            if each not in hidden:
                hide(each)
        return True
    return False
