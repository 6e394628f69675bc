"""An attacker's solver for suppressed tables: it takes what is published (hidden cells as
unknowns) and every published total, writes down the linear equations they satisfy and
works out each hidden cell it can (numpy: a hidden cell is determined when adding its unit
vector to the equations does not raise their rank). It knows nothing of how
centres.suppression chose what to hide (that proves its result on a graph)."""

import numpy as np

from centres.suppression import Published


def entries(published, true_cells, row_totals=False, column_totals=False, grand_total=False):
    """{position: (true value, shown value or None)} over cells and published totals, in
    the grid where row totals are column C, column totals row R, the grand total (R, C)."""
    R = len(true_cells)
    C = len(true_cells[0]) if true_cells else 0
    grid = {(r, c): (true_cells[r][c], published.cells[r][c]) for r in range(R) for c in range(C)}

    def truth(given, index, default):
        return default if given is True else given[index]

    if row_totals is not False:
        for r in range(R):
            grid[(r, C)] = (truth(row_totals, r, sum(true_cells[r])), published.row_totals[r])
    if column_totals is not False:
        for c in range(C):
            true = truth(column_totals, c, sum(row[c] for row in true_cells))
            grid[(R, c)] = (true, published.column_totals[c])
    if grand_total is not False:
        every = sum(map(sum, true_cells))
        grid[(R, C)] = (every if grand_total is True else grand_total, published.grand_total)
    return grid


def published_equations(R, C, row_totals=False, column_totals=False, grand_total=False):
    """Every equation a reader can write down: [(cells, total)] meaning sum(cells) = total."""
    equations = []
    if row_totals is not False:
        equations += [([(r, c) for c in range(C)], (r, C)) for r in range(R)]
    if column_totals is not False:
        equations += [([(r, c) for r in range(R)], (R, c)) for c in range(C)]
    if grand_total is not False:
        equations.append(([(r, c) for r in range(R) for c in range(C)], (R, C)))
        if row_totals is not False:
            equations.append(([(r, C) for r in range(R)], (R, C)))
        if column_totals is not False:
            equations.append(([(R, c) for c in range(C)], (R, C)))
    return equations


def recoverable(grid, equations):
    """{position: value} of the hidden entries the equations determine, with the value
    the solver works out for each (least squares on the consistent system)."""
    unknowns = sorted(p for p, (_true, shown) in grid.items() if shown is None)
    if not unknowns or not equations:
        return {}
    index = {p: i for i, p in enumerate(unknowns)}
    rows, rhs = [], []
    for cells, total in equations:
        row = np.zeros(len(unknowns))
        known = 0.0
        for p, sign in [*((c, 1.0) for c in cells), (total, -1.0)]:
            _true, shown = grid[p]
            if shown is None:
                row[index[p]] += sign
            else:
                known += sign * shown
        rows.append(row)
        rhs.append(-known)
    A, b = np.array(rows), np.array(rhs)
    rank = np.linalg.matrix_rank(A)
    solution = np.linalg.lstsq(A, b, rcond=None)[0]
    found = {}
    for p, i in index.items():
        unit = np.zeros(len(unknowns))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([A, unit])) == rank:
            found[p] = round(float(solution[i]), 6)
    return found


def attack(true_cells, published, *, row_totals=False, column_totals=False, grand_total=False):
    grid = entries(published, true_cells, row_totals, column_totals, grand_total)
    R, C = len(true_cells), len(true_cells[0]) if true_cells else 0
    return grid, recoverable(
        grid, published_equations(R, C, row_totals, column_totals, grand_total)
    )


def naive(true_cells, threshold, *, row_totals, column_totals, grand_total):
    """Each cell under the threshold hidden on its own, as the report pack did."""

    def cell(n):
        return None if n < threshold else n

    return Published(
        cells=[[cell(v) for v in row] for row in true_cells],
        row_totals=[cell(sum(row)) for row in true_cells] if row_totals else None,
        column_totals=[cell(sum(col)) for col in zip(*true_cells, strict=True)]
        if column_totals
        else None,
        grand_total=cell(sum(map(sum, true_cells))) if grand_total else None,
    )


def check(table, threshold, shown, **published):
    grid, found = attack(table, shown, **published)
    # Nothing hidden can be worked out.
    assert found == {}, f"recovered {found} from {shown}"
    for _position, (true, value) in grid.items():
        # What is shown is true, and nothing small is shown.
        assert value is None or value == true
        assert value is None or true >= threshold
    R, C = len(table), len(table[0])
    for cells, total in published_equations(R, C, **published):
        hidden = [p for p in cells if grid[p][1] is None]
        if hidden and grid[total][1] is not None:
            # The total less the shown cells (the hidden cells' sum where they add up to
            # the total) is no small number either.
            residual = sum(grid[p][0] for p in cells if grid[p][1] is None)
            assert residual >= threshold, f"residual {residual} of {total} pins {hidden}"
