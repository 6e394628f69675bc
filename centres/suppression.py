"""Small numbers hidden from figures that leave the organisation, so that no one can be
recognised and no hidden number can be worked out from what is shown.

One helper for every table that is shared outside the organisation or reaches the user
association: the report pack's shared version, the advice figures association members
see and every advice export. Internal views for the leader and staff are not suppressed.

`suppress` takes a table of counts (rows x columns) and which totals are published
beside it (per row, per column, the grand total), and returns what may be published:

1. Primary suppression: every count under the organisation's threshold is hidden, totals
   included, and zero too (told apart from the other small numbers, it would narrow them).
2. Secondary suppression, line by line until nothing changes: a row or column (or the
   line of totals) with exactly one hidden number would give it away by subtraction, so
   the smallest shown number in that line is hidden too; and where a line's total is
   shown, its hidden cells must add up to at least the threshold, or the total less the
   shown cells would be a small number that pins every hidden one in it between 0 and it
   (the grand total less every shown cell counts as such a line too).
3. Proof: a hidden number can still be worked out through a chain of lines (a row, then a
   column, then another row...). The published totals are linear equations over the
   hidden numbers; a hidden number is determined exactly when its unit vector lies in the
   row space of their coefficients. These equations are those of a flow network (rows,
   columns and the two sides of the totals are nodes, every cell and total an edge, every
   published line a node where what comes in goes out), whose null space is the space of
   cycles: a hidden number is determined exactly when its edge lies on no cycle of hidden
   edges, i.e. is a bridge. Bridges are found in linear time (Tarjan). While there is one,
   the smallest shown number that closes a cycle through it is hidden and steps 2 and 3
   run again. Every number lies on a cycle of the whole table, so hiding everything is
   safe and this ends. (tests/centres/test_suppression.py checks the result with an
   independent solver over the equations themselves.)

What it does not prove: that every hidden number keeps an interval at least as wide as
the threshold against an attacker who also uses that counts are never negative (linear
programming through chains of lines); step 2 guarantees that line by line.

Deterministic: the same table gives the same result (ties go to the first in reading
order, a cell before a total).
"""

from collections import deque
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Below this no organisation may go: a published cell of 1 or 2 points at a person.
MINIMUM_THRESHOLD = 3
# Danish register practice (Statistics Denmark's rules for researchers, the Health Data
# Authority) withholds cells under 5: the default for anything shared outside.
DEFAULT_THRESHOLD = 5


def hidden_label():
    """How a hidden number is shown: one word for every hidden number, whether it was
    small itself or hidden so that a small one cannot be worked out."""
    return _("hidden")


@dataclass(frozen=True)
class Published:
    """What may be published of a table: cells and totals, None where hidden. A kind of
    total that is not published at all is None as a whole (row_totals, column_totals) or
    None (grand_total)."""

    cells: list
    row_totals: list | None
    column_totals: list | None
    grand_total: int | None

    def hidden_count(self):
        return sum(
            value is None
            for value in [
                *(v for row in self.cells for v in row),
                *(self.row_totals or ()),
                *(self.column_totals or ()),
            ]
        )


def suppress(cells, threshold, *, row_totals=False, column_totals=False, grand_total=False):
    """Return the Published form of `cells` (a list of rows of counts) for `threshold`.

    `row_totals`, `column_totals` and `grand_total` say which totals are published
    beside the table: False (none), True (the sums of the cells), or the totals
    themselves, for tables whose cells need not add up to exactly them (episodes counted
    under each of their kinds, contacts under each of their topics): they are protected
    as if they did, which gives an attacker more than the table does.

    Declare a total published wherever it is published, here or elsewhere (the same
    figure in another sheet or on another page): what is hidden must stay hidden against
    everything that is shown.
    """
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"a threshold under {MINIMUM_THRESHOLD} protects no one")
    given_grand = grand_total if isinstance(grand_total, bool) else [grand_total]
    if not cells and not isinstance(column_totals, bool) and len(column_totals):
        # No rows, but totals given per column: they are the table, in one row.
        line = suppress([list(column_totals)], threshold, row_totals=given_grand)
        return Published(
            cells=[],
            row_totals=None if row_totals is False else [],
            column_totals=line.cells[0],
            grand_total=None if grand_total is False else line.row_totals[0],
        )
    if cells and not cells[0] and not isinstance(row_totals, bool):
        # No columns, but totals given per row: they are the table, in one column.
        line = suppress([[t] for t in row_totals], threshold, column_totals=given_grand)
        return Published(
            cells=[[] for _row in cells],
            row_totals=[row[0] for row in line.cells],
            column_totals=None if column_totals is False else [],
            grand_total=None if grand_total is False else line.column_totals[0],
        )
    table = _Table(cells, row_totals, column_totals, grand_total)
    return table.published(table.protect(threshold))


def suppress_line(values, threshold, *, total=True):
    """Return (cells, total or None) of one line of counts: `total` is True (their sum,
    published), False (not published) or the published total itself."""
    given = total if isinstance(total, bool) else [total]
    result = suppress([[v] for v in values], threshold, column_totals=given)
    shown_total = result.column_totals[0] if result.column_totals is not None else None
    return [row[0] for row in result.cells], shown_total


@dataclass(frozen=True)
class _Line:
    """A published equation: the sum of the cells' values is the total's value."""

    cells: tuple
    total: tuple

    @property
    def entries(self):
        return (*self.cells, self.total)


class _Table:
    """The table and its totals as one grid of entries: cell (r, c) for r < rows and
    c < columns, the row totals in column `columns`, the column totals in row `rows`, the
    grand total at (rows, columns); only the published kinds of total are entries."""

    def __init__(self, cells, row_totals, column_totals, grand_total):
        R = self.rows = len(cells)
        C = self.columns = len(cells[0]) if cells else 0
        if any(len(row) != C for row in cells):
            raise ValueError("every row needs the same number of cells")
        self.value = {(r, c): int(cells[r][c]) for r in range(R) for c in range(C)}
        self.has_row_totals = row_totals is not False
        self.has_column_totals = column_totals is not False
        self.has_grand_total = grand_total is not False
        if self.has_row_totals:
            for r in range(R):
                given = sum(cells[r]) if row_totals is True else row_totals[r]
                self.value[(r, C)] = int(given)
        if self.has_column_totals:
            for c in range(C):
                given = sum(row[c] for row in cells) if column_totals is True else column_totals[c]
                self.value[(R, c)] = int(given)
        if self.has_grand_total:
            every = sum(self.value[(r, c)] for r in range(R) for c in range(C))
            self.value[(R, C)] = every if grand_total is True else int(grand_total)
        self.lines = self._lines()
        self.lines_of = {}
        for line in self.lines:
            for entry in line.entries:
                self.lines_of.setdefault(entry, []).append(line)
        self.ends = self._ends()

    def _lines(self):
        R, C = self.rows, self.columns
        lines = []
        if self.has_row_totals:
            lines += [_Line(tuple((r, c) for c in range(C)), (r, C)) for r in range(R)]
        if self.has_column_totals:
            lines += [_Line(tuple((r, c) for r in range(R)), (R, c)) for c in range(C)]
        if self.has_grand_total:
            if self.has_column_totals:
                lines.append(_Line(tuple((R, c) for c in range(C)), (R, C)))
            if self.has_row_totals:
                lines.append(_Line(tuple((r, C) for r in range(R)), (R, C)))
            # Implied by the others where there are row or column totals, but its
            # hidden cells' sum (the grand total less the shown cells) is one more
            # number an attacker reads.
            lines.append(_Line(tuple((r, c) for r in range(R) for c in range(C)), (R, C)))
        # A total of no cells is 0 whatever is shown: nothing to protect there.
        return [line for line in lines if line.cells]

    def _ends(self):
        """{entry: (node, node)}: the table as a flow network. Flow goes from the source
        (0) through a row's total to the row, through a cell to its column, through the
        column's total to the sink (1) and through the grand total back to the source.
        Where a kind of total is not published its nodes are one: rows with the source,
        columns with the sink, the sink with the source. Every published line is then a
        node where what comes in goes out, and every node's balance is published or
        follows from the others."""
        R, C = self.rows, self.columns
        source, sink = 0, 1 if self.has_grand_total else 0

        def row(r):
            return 2 + r if self.has_row_totals else source

        def column(c):
            return 2 + R + c if self.has_column_totals else sink

        ends = {(r, c): (row(r), column(c)) for r in range(R) for c in range(C)}
        if self.has_row_totals:
            ends.update({(r, C): (source, row(r)) for r in range(R)})
        if self.has_column_totals:
            ends.update({(R, c): (column(c), sink) for c in range(C)})
        if self.has_grand_total:
            ends[(R, C)] = (sink, source)
        return ends

    def is_total(self, entry):
        return entry[0] == self.rows or entry[1] == self.columns

    def smallest(self, entries):
        """Which shown number to hide first: the smallest, a cell before a total, then
        the first in reading order."""
        return min(entries, key=lambda e: (self.value[e], self.is_total(e), e), default=None)

    def protect(self, threshold):
        """Return the set of hidden entries: primary suppression, then secondary until
        no hidden number is determined."""
        hidden = {entry for entry, value in self.value.items() if value < threshold}
        if not (self.rows and self.columns):
            return hidden  # no cells: every total is 0, whatever is shown
        pending = list(self.lines)
        while True:
            self._close(hidden, threshold, pending)
            bridges = determined(self.ends, hidden)
            if not bridges:
                return hidden
            entry = self._closing(bridges[0], hidden)
            hidden.add(entry)
            pending = list(self.lines_of.get(entry, ()))

    def _leaks(self, line, hidden, threshold):
        """Whether `line` gives a hidden number away, or pins its hidden cells between
        0 and a small number."""
        unknown = sum(e in hidden for e in line.entries)
        if unknown == 1:
            return True
        if unknown == 0 or line.total in hidden:
            return False
        # What the total less the shown cells tells: the hidden cells' sum (for given
        # totals the cells need not add up to, at most that sum: a reader who takes them
        # as adding up is then wrong, and too low).
        return sum(self.value[e] for e in line.cells if e in hidden) < threshold

    def _close(self, hidden, threshold, pending):
        """Secondary suppression line by line (the lines `pending` and those they touch),
        until no line leaks."""
        while pending:
            line = pending.pop()
            if not self._leaks(line, hidden, threshold):
                continue
            entry = self.smallest([e for e in line.entries if e not in hidden])
            if entry is None:
                continue
            hidden.add(entry)
            pending.extend(self.lines_of.get(entry, ()))

    def _closing(self, bridge, hidden):
        """The shown number to hide so that `bridge` (a determined hidden number) lies on
        a cycle of hidden numbers: the smallest that joins the two sides it separates,
        else the smallest in its own lines, else the smallest anywhere."""
        a, b = self.ends[bridge]
        adjacent = {}
        for entry in hidden:
            if entry != bridge and entry in self.ends:
                x, y = self.ends[entry]
                adjacent.setdefault(x, []).append(y)
                adjacent.setdefault(y, []).append(x)
        side_a, side_b = _reach(adjacent, a), _reach(adjacent, b)
        shown = [e for e in self.value if e not in hidden]
        joining = [
            e
            for e in shown
            if (self.ends[e][0] in side_a and self.ends[e][1] in side_b)
            or (self.ends[e][0] in side_b and self.ends[e][1] in side_a)
        ]
        near = [e for line in self.lines_of.get(bridge, ()) for e in line.entries if e in shown]
        return self.smallest(joining) or self.smallest(near) or self.smallest(shown)

    def published(self, hidden):
        R, C = self.rows, self.columns

        def shown(entry):
            return None if entry in hidden else self.value[entry]

        return Published(
            cells=[[shown((r, c)) for c in range(C)] for r in range(R)],
            row_totals=[shown((r, C)) for r in range(R)] if self.has_row_totals else None,
            column_totals=[shown((R, c)) for c in range(C)] if self.has_column_totals else None,
            grand_total=shown((R, C)) if self.has_grand_total else None,
        )


def _reach(adjacent, start):
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in adjacent.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def determined(ends, hidden):
    """Return the hidden entries that the published figures determine, in reading
    order: the bridges of the graph of hidden edges (`ends`: {entry: (node, node)}).
    Tarjan's bridge search, without recursion; parallel edges and loops are cycles."""
    adjacent = {}
    for entry in sorted(hidden):
        if entry not in ends:
            continue
        a, b = ends[entry]
        if a == b:
            continue
        adjacent.setdefault(a, []).append((b, entry))
        adjacent.setdefault(b, []).append((a, entry))
    found = []
    order, low = {}, {}
    for start in adjacent:
        if start in order:
            continue
        order[start] = low[start] = len(order)
        stack = [(start, None, iter(adjacent[start]))]
        while stack:
            node, via, edges = stack[-1]
            for nxt, entry in edges:
                if entry == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, entry, iter(adjacent[nxt])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(via)
    return sorted(found)
