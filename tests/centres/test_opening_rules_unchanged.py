"""The opening rules in SQL as planned for speed (migration 0031) give the very rows of
their plainer form before it (migrations 0029 and 0030), kept here as the reference."""

import datetime
import importlib
import re

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.centres.test_opening_months import DAYS, OPERATIONS, centre_after

pytestmark = [pytest.mark.django_db]

FUNCTIONS = ("centres_openings", "centres_staffed_openings", "centres_opening_months")


def create_reference_functions():
    """The functions before migration 0031, each named centres_before_* and calling only its
    own kind: 0030's centres_openings (its closed days from centres_closed_days) and
    0029's centres_staffed_openings and centres_opening_months."""
    closed_days = importlib.import_module("centres.migrations.0030_closed_days_in_sql")
    first_form = importlib.import_module("centres.migrations.0029_opening_months_kept_by_triggers")
    sql = closed_days.OPENINGS + first_form.STAFFED + first_form.MONTHS
    names = r"\bcentres_(openings|staffed_openings|opening_months)\("
    sql = re.sub(names, r"centres_before_\1(", sql)
    with connection.cursor() as cursor:
        cursor.execute(sql)


def rows(function, centre_ids, first, last):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {function}(%s::bigint[], %s::date, %s::date) ORDER BY 1, 2, 3, 4",
            [centre_ids, first, last],
        )
        return cursor.fetchall()


def assert_same_rows(centre_ids, first, last):
    for function in FUNCTIONS:
        before = rows(function.replace("centres_", "centres_before_"), centre_ids, first, last)
        now = rows(function, centre_ids, first, last)
        assert len(now) == len(before), function
        # Sums of hours may add up in another order: equal to the last few bits.
        assert [tuple(map(approx_float, row)) for row in now] == before, function


def approx_float(value):
    return pytest.approx(value, rel=1e-12) if isinstance(value, float) else value


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    operations=st.lists(OPERATIONS, min_size=1, max_size=12),
    first=DAYS,
    length=st.sampled_from([0, 3, 40, 200]),
)
def test_the_rules_give_the_rows_they_gave_before(db, operations, first, length):
    with transaction.atomic():
        create_reference_functions()
        centres = [centre_after(operations), centre_after(operations)]
        last = first + datetime.timedelta(days=length)
        assert_same_rows([centres[0].pk], first, last)
        assert_same_rows([c.pk for c in centres], first, last)
        transaction.set_rollback(True)
