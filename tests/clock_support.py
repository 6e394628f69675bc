"""One clock in tests: the suite passes on any day it runs.

- Every query a test makes is checked: SQL that reads PostgreSQL's own clock (`now()`,
  `current_date`, ...) fails the test. What "now" is comes from the app
  (django.utils.timezone), which passes it to SQL.
- Tests marked `any_day` run once on the real clock and again at each of MOMENTS, the
  edges where dates go wrong: a week across a month end, New Year's Eve, the nights
  both summer-time switches happen, a leap day. The clock stands still at the moment,
  for Python and so for every query, which is given its moments by Python. A test that
  sets its own clock (time_machine), is marked `clock_free` or drives a browser runs once.

`make quick` leaves the runs at MOMENTS out (`-m "not other_day"`); `make test` runs them.
"""

import datetime
import inspect
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

CPH = ZoneInfo("Europe/Copenhagen")

MOMENTS = {
    # Wednesday of the week 28 June - 4 July.
    "month-end-week": datetime.datetime(2027, 6, 30, 10, 0, tzinfo=CPH),
    # Half an hour before the year ends.
    "new-years-eve": datetime.datetime(2027, 12, 31, 23, 30, tzinfo=CPH),
    # Half an hour before 02:00 becomes 03:00: a day of 23 hours.
    "summer-time-begins": datetime.datetime(2027, 3, 28, 1, 30, tzinfo=CPH),
    # The first of the two 02:30s (summer time): a day of 25 hours, a Sunday, a month end.
    "summer-time-ends": datetime.datetime(2027, 10, 31, 2, 30, tzinfo=CPH),
    "leap-day": datetime.datetime(2028, 2, 29, 10, 0, tzinfo=CPH),
}

SERVER_CLOCK = re.compile(
    r"\b(?:now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday)\s*\("
    r"|\b(?:current_date|current_time|current_timestamp|localtime|localtimestamp)\b",
    re.IGNORECASE,
)


def reads_server_clock(sql):
    """The first place where `sql` asks PostgreSQL for its own time, or None."""
    found = SERVER_CLOCK.search(sql)
    return found.group(0) if found else None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "any_day: runs again with the clock at each edge of tests.clock_support"
    )
    config.addinivalue_line("markers", "other_day: a run of an any_day test at another moment")
    config.addinivalue_line(
        "markers", "clock_free: reads no clock (every date is the test's own): never run again"
    )


def runs_on_its_own_clock(metafunc):
    """True for a test that sets the clock itself (time_machine) or says it reads none."""
    if "time_machine" in metafunc.fixturenames:
        return True
    if metafunc.definition.get_closest_marker("clock_free"):
        return True
    return "time_machine." in inspect.getsource(metafunc.function)


def pytest_generate_tests(metafunc):
    drives_a_browser = "page" in metafunc.fixturenames
    if metafunc.definition.get_closest_marker("any_day") and not (
        drives_a_browser or runs_on_its_own_clock(metafunc)
    ):
        metafunc.parametrize(
            "clock_at",
            [
                pytest.param(None, id="today"),
                *(
                    pytest.param(moment, id=name, marks=pytest.mark.other_day)
                    for name, moment in MOMENTS.items()
                ),
            ],
            indirect=True,
        )


@pytest.fixture(autouse=True)
def clock_at(request):
    """The moment the test runs at: the real clock, or one of MOMENTS, standing still.

    Autouse, so it is set up before the test's data is made."""
    moment = getattr(request, "param", None)
    if moment is None:
        yield None
        return
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture(autouse=True)
def one_clock():
    """Fail any query of the test that reads the database server's clock."""
    from django.db import connection

    def check(execute, sql, params, many, context):
        found = reads_server_clock(sql)
        if found:
            pytest.fail(f"SQL reads the database's clock ({found}); pass the app's moment:\n{sql}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(check):
        yield


# Danish weekday names, as the pages write them.
WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def working_weekday(*mondays):
    """The first weekday, Monday to Friday, that is a public holiday in none of the weeks
    starting on `mondays`: for a test that expects the weekly hours of that day in those
    weeks' plans, whatever week it runs in (Christmas Day is a Wednesday in 2030)."""
    from centres.calendar_days import is_holiday

    return next(
        weekday
        for weekday in range(5)
        if not any(is_holiday(monday + datetime.timedelta(days=weekday)) for monday in mondays)
    )
