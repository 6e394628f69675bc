"""Every table a trigger writes to is a summary with a recount: a new summary kept by
triggers fails here until its model has one (centres.recounts), and the live test
(tests/test_summaries_live.py) then checks it with the rest."""

import pytest
from django.db import connection

from centres.recounts import recounts, written_by_triggers

pytestmark = pytest.mark.django_db

# The job queue's own bookkeeping (procrastinate's events and periodic defers), kept by
# its triggers on procrastinate_jobs: a log of the jobs, not a figure summed from rows.
NOT_SUMMARIES = ("procrastinate_",)


def summary_tables():
    with connection.cursor() as cursor:
        written = written_by_triggers(cursor)
    return {table for table in written if not table.startswith(NOT_SUMMARIES)}


def test_every_table_a_trigger_writes_has_a_recount():
    tables = summary_tables()
    assert tables, "no trigger writes anything: the discovery reads nothing"
    assert sorted(tables - recounts().keys()) == []


def test_every_recount_is_of_a_table_a_trigger_writes():
    assert sorted(recounts().keys() - summary_tables()) == []


def test_the_discovery_follows_calls_into_other_functions():
    """The opening months are written by a function the triggers call, not by the
    triggers' own functions."""
    assert {"centres_openingmonth", "centres_visitheat", "advice_contacttopicmonth"} <= (
        summary_tables()
    )
