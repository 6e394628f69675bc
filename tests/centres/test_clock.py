"""One clock: what "today" is in SQL is what the app says, never the database server's.

Bob taps at centre A at moments far from the day the suite runs, before and after it; the
figure version follows the app's day. Nothing in the database reads the server's clock.
"""

import datetime
import secrets
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from centres import clock
from centres.models import FigureVersion, VisitCount
from tests.clock_support import reads_server_clock

CPH = ZoneInfo("Europe/Copenhagen")


def post(client, name, centre, **data):
    """A form sent as the page sends it: with a one-time token, so in one transaction."""
    data = {"submission_token": secrets.token_urlsafe(24), **data}
    return client.post(
        reverse(f"centres:{name}", args=[centre.pk]), data, headers={"HX-Request": "true"}
    )


def version(world):
    return FigureVersion.current(world.org_a.pk)


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2020, 2, 29, 11, 0, tzinfo=CPH),
        datetime.datetime(2038, 7, 1, 11, 0, tzinfo=CPH),
    ],
    ids=["years-before", "years-after"],
)
def test_the_day_of_a_tap_is_the_apps_not_the_servers(world, client_for, moment):
    with time_machine.travel(moment, tick=False):
        client = client_for(world.staff_a)
        before = version(world)
        assert post(client, "tally_tap", world.centre_a, new="0").status_code == 200
        assert version(world) == before, "a tap of the app's today moved the version"
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
        assert version(world) > before, "figures for the app's yesterday left the version"
    assert VisitCount.objects.filter(centre=world.centre_a, date=moment.date()).exists()


@pytest.mark.parametrize(
    ("wall_clock", "moves"),
    [
        (datetime.datetime(2027, 12, 31, 23, 54, 59), False),
        # Five minutes before midnight the day counts as past already: a transaction still
        # open at midnight must not leave a kept year without its last taps.
        (datetime.datetime(2027, 12, 31, 23, 55, 1), True),
        (datetime.datetime(2028, 1, 1, 0, 0, 1), False),
    ],
)
def test_a_tap_near_midnight_moves_the_version_by_the_apps_clock(
    world, client_for, wall_clock, moves
):
    with time_machine.travel(wall_clock.replace(tzinfo=CPH), tick=False):
        client = client_for(world.staff_a)
        before = version(world)
        assert post(client, "tally_tap", world.centre_a, new="0").status_code == 200
        assert (version(world) > before) is moves


def test_a_request_shares_the_apps_moment_with_its_transaction(world, client_for):
    moment = datetime.datetime(2031, 5, 5, 9, 30, tzinfo=CPH)
    with time_machine.travel(moment, tick=False):
        client = client_for(world.staff_a)
        post(client, "tally_tap", world.centre_a, new="0")
    # The request ran in a savepoint of the test's transaction, which still holds it.
    assert clock.shared_now() == moment


def test_a_transaction_without_the_apps_moment_has_none(db):
    assert clock.shared_now() is None


@pytest.mark.django_db(transaction=True)
def test_sharing_outside_a_transaction_is_refused():
    with pytest.raises(transaction.TransactionManagementError):
        clock.share()


moments = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2060, 12, 31),
    timezones=st.just(CPH),
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moment=moments, offset=st.integers(-3, 3))
@example(moment=datetime.datetime(2027, 10, 31, 2, 30, tzinfo=CPH), offset=0)
@example(moment=datetime.datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=CPH), offset=0)
@example(moment=datetime.datetime(2027, 3, 28, 1, 59, tzinfo=CPH), offset=0)
@example(moment=datetime.datetime(2028, 2, 29, 23, 55, tzinfo=CPH), offset=1)
@example(moment=datetime.datetime(2028, 2, 29, 23, 54, tzinfo=CPH), offset=0)
def test_sql_counts_a_day_as_past_exactly_as_the_app_does(db, moment, offset):
    # The rule: a day is past from five minutes before its local midnight.
    day = moment.date() + datetime.timedelta(days=offset)
    expected = day < timezone.localdate(moment + datetime.timedelta(minutes=5), CPH)
    with transaction.atomic():
        clock.share(moment)
        with connection.cursor() as cursor:
            cursor.execute("SELECT centres_day_is_past(%s), vaerested_app_now()", [day])
            past, shared = cursor.fetchone()
        transaction.set_rollback(True)
    assert shared.timestamp() == moment.timestamp()
    assert past is expected


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
    assert "function centres_day_is_past" in found  # the scan sees our functions


def test_a_query_that_reads_the_servers_clock_fails_the_test(db):
    # The guard of tests/clock_support.py is on for every test.
    with pytest.raises(pytest.fail.Exception), connection.cursor() as cursor:
        cursor.execute("SELECT current_date")
