"""One clock: what "today" is comes from the app, never from the database server.

Bob taps at centre A at moments far from the day the suite runs, before and after it; the
tap counts on the app's day. Nothing in the database reads the server's clock.
"""

import datetime
import secrets
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from centres.models import VisitCount
from tests.clock_support import reads_server_clock

CPH = ZoneInfo("Europe/Copenhagen")


def post(client, name, centre, **data):
    """A form sent as the page sends it: with a one-time token, so in one transaction."""
    data = {"submission_token": secrets.token_urlsafe(24), **data}
    return client.post(
        reverse(f"centres:{name}", args=[centre.pk]), data, headers={"HX-Request": "true"}
    )


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2020, 2, 29, 11, 0, tzinfo=CPH),
        datetime.datetime(2038, 7, 1, 11, 0, tzinfo=CPH),
    ],
    ids=["years-before", "years-after"],
)
def test_the_day_of_a_count_is_the_apps_not_the_servers(world, client_for, moment):
    with time_machine.travel(moment, tick=False):
        client = client_for(world.staff_a)
        assert post(client, "tally_tap", world.centre_a, new="0").status_code == 200
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        response = post(
            client,
            "tally_day",
            world.centre_a,
            date=yesterday.isoformat(),
            kind="staffed",
            visits="4",
            new_visits="0",
            entry="add",
        )
        assert response.status_code == 302
    days = VisitCount.objects.filter(centre=world.centre_a).values_list("date", flat=True)
    assert set(days) == {moment.date(), yesterday}


# What the database holds that could read a clock: functions, triggers (their
# arguments), views, column defaults and check constraints.
DATABASE_CODE = """
    SELECT 'function ' || p.proname, p.prosrc
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT 'trigger ' || t.tgname, pg_get_triggerdef(t.oid)
    FROM pg_trigger t WHERE NOT t.tgisinternal
    UNION ALL
    SELECT 'view ' || viewname, definition FROM pg_views
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT 'default of ' || d.adrelid::regclass || '.' || a.attname, pg_get_expr(d.adbin, d.adrelid)
    FROM pg_attrdef d
    JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
    UNION ALL
    SELECT 'constraint ' || conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE connamespace NOT IN (
        SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema')
    )
"""


def queues_own(name):
    """The task queue's own schema (procrastinate_*) may read the server's clock: when a
    job is due, when a worker last sent a heartbeat. Its schedule is shared by workers on
    several servers, so one clock, the database's, serves them best; no figure or date
    the app shows depends on it (a job's moment is the app's: centres.queue)."""
    return name.split(" ")[-1].split(".")[0].startswith("procrastinate_")


def test_nothing_in_the_database_reads_the_servers_clock(db):
    with connection.cursor() as cursor:
        cursor.execute(DATABASE_CODE)
        found = {name: reads_server_clock(text or "") for name, text in cursor.fetchall()}
    assert {name: word for name, word in found.items() if word and not queues_own(name)} == {}
    assert any(word and queues_own(name) for name, word in found.items())  # the queue is seen
    assert "function centres_visitcount_summarise" in found  # the scan sees our functions


def test_a_query_that_reads_the_servers_clock_fails_the_test(db):
    # The guard of tests/clock_support.py is on for every test.
    with pytest.raises(pytest.fail.Exception), connection.cursor() as cursor:
        cursor.execute("SELECT current_date")
