"""Small cells: hidden, and never recoverable by subtraction from a total shown beside them."""

from hypothesis import given
from hypothesis import strategies as st

from advice.stats import suppress_additive, suppress_each

LIMIT = 3


def test_one_small_cell_takes_the_next_smallest_with_it():
    assert suppress_additive([10, 2, 7, 30], 49, LIMIT) == ([10, None, None, 30], 49)


def test_two_small_cells_summing_under_the_limit_take_a_third():
    assert suppress_additive([1, 1, 5, 9], 16, LIMIT) == ([None, None, None, 9], 16)


def test_two_small_cells_summing_to_the_limit_are_enough():
    assert suppress_additive([1, 2, 5, 9], 17, LIMIT) == ([None, None, 5, 9], 17)


def test_a_small_total_hides_everything():
    assert suppress_additive([1, 1], 2, LIMIT) == ([None, None], None)


def test_nothing_small_hides_nothing():
    assert suppress_additive([3, 4], 7, LIMIT) == ([3, 4], 7)


def test_a_lone_small_cell_in_a_single_other_cell_table_hides_both():
    # New 1, known 40: hiding only "new" would leave 41 - 40.
    assert suppress_additive([1, 40], 41, LIMIT) == ([None, None], 41)


@given(st.lists(st.integers(0, 40), min_size=1, max_size=14))
def test_suppression_never_reveals_a_small_number_by_subtraction(values):
    total = sum(values)
    cells, shown_total = suppress_additive(values, total, LIMIT)
    # Every small figure is hidden, the total included.
    assert all(c is None for v, c in zip(values, cells, strict=True) if v < LIMIT)
    if total < LIMIT:
        assert shown_total is None
    # Shown figures are the true ones.
    assert all(c == v for v, c in zip(values, cells, strict=True) if c is not None)
    if shown_total is not None:
        assert shown_total == total
        hidden = [v for v, c in zip(values, cells, strict=True) if c is None]
        # Total minus the shown cells is what the hidden cells add up to: it must neither
        # pin down a single cell nor be itself a small number.
        assert hidden == [] or (len(hidden) >= 2 and sum(hidden) >= LIMIT)


@given(st.lists(st.integers(0, 40), max_size=14))
def test_cells_that_need_not_add_up_hide_only_the_small(values):
    cells = suppress_each(values, LIMIT)
    assert [c is None for c in cells] == [v < LIMIT for v in values]
