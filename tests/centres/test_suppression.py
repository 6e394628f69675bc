"""Small cells: hidden, and never recoverable from what is published beside them, by the
solver of tests/suppression_support.py (linear equations over rows, columns and totals).
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from centres.suppression import (
    DEFAULT_THRESHOLD,
    MINIMUM_THRESHOLD,
    Published,
    suppress,
    suppress_line,
)
from tests.suppression_support import attack, check, naive

# --- The solver finds what the old suppression gave away ----------------------------------


def test_the_solver_works_out_the_reported_case_from_cells_hidden_one_by_one():
    # 76F: Incidents 13, physical violence 12, threats "< 3": 13 - 12 = 1.
    kinds = [[12], [1]]
    shown = naive(kinds, 3, row_totals=False, column_totals=True, grand_total=False)
    assert shown.cells == [[12], [None]]
    assert shown.column_totals == [13]
    _grid, found = attack(kinds, shown, column_totals=True)
    assert found == {(1, 0): 1.0}
    # With every other kind "< 3" no one of them is fixed, but together they are 1: each
    # is 0 or 1, which the check below refuses.
    kinds = [[12], [1], [0], [0], [0], [0], [0]]
    shown = naive(kinds, 3, row_totals=False, column_totals=True, grand_total=False)
    with pytest.raises(AssertionError, match="residual"):
        check(kinds, 3, shown, column_totals=True)


def test_the_solver_follows_a_chain_of_lines():
    # Each row and column holds two hidden cells, but the corner cell is fixed by the
    # column and row around it.
    table = [[1, 7, 9], [8, 2, 9], [9, 9, 30]]
    shown = Published(
        cells=[[None, None, 9], [None, None, 9], [9, 9, 30]],
        row_totals=[17, 19, 48],
        column_totals=[18, 18, 48],
        grand_total=84,
    )
    _grid, found = attack(table, shown, row_totals=True, column_totals=True, grand_total=True)
    assert found == {}  # a 2x2 block of hidden cells is a cycle: nothing fixed
    shown.cells[0][2] = None  # a third hidden cell in the first row, alone in its column
    _grid, found = attack(table, shown, row_totals=True, column_totals=True, grand_total=True)
    assert found == {(0, 2): 9.0}


# --- The helper -----------------------------------------------------------------------------


def test_the_reported_case_hides_a_second_kind_or_the_total():
    kinds = [[12], [1], [0], [0], [0], [0], [0]]
    for threshold in (3, 5):
        shown = suppress(kinds, threshold, column_totals=True)
        assert shown.cells[1] == [None]
        _grid, found = attack(kinds, shown, column_totals=True)
        assert found == {}
        assert shown.cells[0] == [None] or shown.column_totals == [None]


def test_one_small_cell_takes_the_next_smallest_with_it():
    assert suppress_line([10, 2, 7, 30], 3) == ([10, None, None, 30], 49)


def test_hidden_cells_adding_up_to_a_small_number_take_another_with_them():
    # 1 + 1 hidden beside a total of 16 leaves 2: both would be pinned to 0..2.
    assert suppress_line([1, 1, 5, 9], 3) == ([None, None, None, 9], 16)
    assert suppress_line([1, 2, 5, 9], 3) == ([None, None, 5, 9], 17)


def test_a_small_total_is_hidden_with_its_cells():
    assert suppress_line([1, 1], 3) == ([None, None], None)


def test_nothing_small_hides_nothing():
    assert suppress_line([5, 6], 5) == ([5, 6], 11)


def test_a_line_without_a_published_total_hides_only_the_small():
    assert suppress_line([0, 4, 5, 40], 5, total=False) == ([None, None, 5, 40], None)


def test_a_given_total_is_protected_as_if_the_cells_added_up_to_it():
    # Episodes of several kinds: 13 episodes, 12 of physical violence, 3 threats.
    cells, total = suppress_line([12, 3, 0], 5, total=13)
    assert total == 13
    assert cells == [None, None, None]


def test_the_default_threshold_is_five_and_none_is_under_three():
    assert (DEFAULT_THRESHOLD, MINIMUM_THRESHOLD) == (5, 3)
    with pytest.raises(ValueError, match="under 3"):
        suppress([[1, 2]], 2, row_totals=True)


def test_a_table_without_cells_shows_its_totals_hidden():
    assert suppress([], 5, row_totals=True, column_totals=True, grand_total=True) == Published(
        cells=[], row_totals=[], column_totals=[], grand_total=None
    )


def test_totals_given_without_cells_are_protected_as_a_line():
    # The pack's advice sheet when no topic is in use: the centres' contacts alone.
    shown = suppress([], 5, row_totals=True, column_totals=[1, 20, 30], grand_total=51)
    assert (shown.column_totals, shown.grand_total) == ([None, None, 30], 51)
    shown = suppress([[], []], 5, row_totals=[1, 20], column_totals=True, grand_total=True)
    assert (shown.row_totals, shown.grand_total) == ([None, None], 21)


def test_a_chain_of_small_cells_is_broken_by_hiding_more():
    table = [[1, 10, 10], [10, 10, 10], [10, 10, 10]]
    shown = suppress(table, 5, row_totals=True, column_totals=True, grand_total=True)
    assert shown.cells[0][0] is None
    # At least a 2x2 block: one cell more in the first row, one in the first column and
    # the cell where they meet.
    assert shown.hidden_count() >= 4
    _grid, found = attack(table, shown, row_totals=True, column_totals=True, grand_total=True)
    assert found == {}


def test_a_large_table_is_quick():
    # The report pack's weeks for an organisation of 400 centres: 53 x 400 cells, a tenth
    # of them small.
    import random
    import time

    rng = random.Random(7)
    table = [
        [rng.choice([0, 2, 40, 60, 80, 90, 95, 99, 120, 150]) for _ in range(400)]
        for _ in range(53)
    ]
    started = time.process_time()
    shown = suppress(table, 5, row_totals=True, column_totals=True, grand_total=True)
    assert time.process_time() - started < 2
    assert all(
        v is None
        for row, true in zip(shown.cells, table, strict=True)
        for v, t in zip(row, true, strict=True)
        if t < 5
    )


# --- Random tables against the solver ------------------------------------------------------

totals = st.sampled_from([True, False])


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 6))
    columns = draw(st.integers(1, 6))
    # Small counts often, as in a drop-in centre's figures, and larger ones too.
    count = st.one_of(st.integers(0, 6), st.integers(0, 30))
    return [[draw(count) for _ in range(columns)] for _ in range(rows)]


@settings(max_examples=400, deadline=None)
@given(tables(), st.integers(3, 8), totals, totals, totals)
def test_no_hidden_cell_of_a_random_table_can_be_worked_out(
    table, threshold, row_totals, column_totals, grand_total
):
    published = {
        "row_totals": row_totals,
        "column_totals": column_totals,
        "grand_total": grand_total,
    }
    shown = suppress(table, threshold, **published)
    check(table, threshold, shown, **published)
    assert suppress(table, threshold, **published) == shown  # deterministic


@settings(max_examples=200, deadline=None)
@given(tables(), st.integers(3, 8), st.data())
def test_given_totals_that_cells_need_not_add_up_to_are_protected_too(table, threshold, data):
    # Each column a centre's episodes, each row a kind: an episode of several kinds counts
    # under each, so a centre's episodes are at most the sum of its column.
    column_totals = [data.draw(st.integers(0, sum(col))) for col in zip(*table, strict=True)]
    published = {
        "row_totals": True,
        "column_totals": column_totals,
        "grand_total": sum(column_totals),
    }
    shown = suppress(table, threshold, **published)
    check(table, threshold, shown, **published)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=14), st.integers(3, 8))
def test_a_line_with_its_total_never_gives_a_small_number_away(values, threshold):
    cells, total = suppress_line(values, threshold)
    shown = Published(
        cells=[[c] for c in cells], row_totals=None, column_totals=[total], grand_total=None
    )
    check([[v] for v in values], threshold, shown, column_totals=True)
