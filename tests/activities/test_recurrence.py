"""Weekly rules in Copenhagen wall-clock time: DST, N-week intervals, until, closed days."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activities.recurrence import COPENHAGEN, expand_weekly
from centres.calendar_days import danish_holidays

pytestmark = pytest.mark.any_day

FAR = dt.date(2035, 1, 1)
dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
# Times that exist on every day of the year (02:00-03:00 is skipped in March).
times = st.times(min_value=dt.time(6), max_value=dt.time(21, 59)).map(
    lambda t: t.replace(second=0, microsecond=0)
)
weekday_sets = st.sets(st.integers(0, 6), min_size=1, max_size=7).map(sorted)


@settings(max_examples=80, deadline=None)
@given(
    weekdays=weekday_sets,
    start=times,
    valid_from=dates,
    weeks=st.integers(1, 60),
    interval=st.integers(1, 4),
)
def test_wall_clock_time_is_the_same_across_daylight_saving(
    weekdays, start, valid_from, weeks, interval
):
    end = (dt.datetime.combine(dt.date.min, start) + dt.timedelta(hours=1, minutes=30)).time()
    until = valid_from + dt.timedelta(weeks=weeks)
    slots = expand_weekly(
        weekdays=weekdays,
        start_time=start,
        end_time=end,
        valid_from=valid_from,
        valid_until=until,
        interval=interval,
        horizon=FAR,
    )
    for begin, finish in slots:
        assert begin.tzinfo is COPENHAGEN
        assert (begin.time(), finish.time()) == (start, end)
        # And the instants are right: converting to UTC and back gives the same wall time.
        assert begin.astimezone(dt.UTC).astimezone(COPENHAGEN).time() == start
        assert begin.weekday() in weekdays
        assert valid_from <= begin.date() <= until


@settings(max_examples=80, deadline=None)
@given(
    weekdays=weekday_sets, valid_from=dates, weeks=st.integers(1, 80), interval=st.integers(1, 5)
)
def test_every_n_weeks_and_until_are_exact(weekdays, valid_from, weeks, interval):
    until = valid_from + dt.timedelta(weeks=weeks)
    slots = expand_weekly(
        weekdays=weekdays,
        start_time=dt.time(10),
        end_time=dt.time(12),
        valid_from=valid_from,
        valid_until=until,
        interval=interval,
        horizon=FAR,
    )
    monday = valid_from - dt.timedelta(days=valid_from.weekday())
    expected = [
        day
        for day in (valid_from + dt.timedelta(days=i) for i in range((until - valid_from).days + 1))
        if day.weekday() in weekdays and ((day - monday).days // 7) % interval == 0
    ]
    assert [s.date() for s, _ in slots] == expected


@settings(max_examples=60, deadline=None)
@given(weekdays=weekday_sets, valid_from=dates, weeks=st.integers(1, 60))
def test_no_occurrence_on_a_holiday_or_closure(weekdays, valid_from, weeks):
    until = valid_from + dt.timedelta(weeks=weeks)
    closures = {valid_from + dt.timedelta(days=3), valid_from + dt.timedelta(days=10)}
    closed = set(danish_holidays(valid_from, until)) | closures
    slots = expand_weekly(
        weekdays=weekdays,
        start_time=dt.time(10),
        end_time=dt.time(11),
        valid_from=valid_from,
        valid_until=until,
        horizon=FAR,
        closed=closed,
    )
    days = {s.date() for s, _ in slots}
    assert not days & closed
    # Everything else on those weekdays is kept.
    all_days = expand_weekly(
        weekdays=weekdays,
        start_time=dt.time(10),
        end_time=dt.time(11),
        valid_from=valid_from,
        valid_until=until,
        horizon=FAR,
    )
    assert days == {s.date() for s, _ in all_days} - closed


@settings(max_examples=40, deadline=None)
@given(valid_from=dates, count=st.integers(1, 40), weekday=st.integers(0, 6))
def test_a_course_gets_its_full_number_of_sessions_despite_closed_days(valid_from, count, weekday):
    closed = set(danish_holidays(valid_from, valid_from + dt.timedelta(days=800)))
    slots = expand_weekly(
        weekdays=[weekday],
        start_time=dt.time(9),
        end_time=dt.time(11),
        valid_from=valid_from,
        count=count,
        horizon=FAR,
        closed=closed,
    )
    assert len(slots) == count
    assert not {s.date() for s, _ in slots} & closed


def test_a_callable_can_say_which_days_are_closed():
    slots = expand_weekly(
        weekdays=[0, 1, 2, 3, 4],
        start_time=dt.time(8),
        end_time=dt.time(9),
        valid_from=dt.date(2026, 3, 2),
        valid_until=dt.date(2026, 3, 8),
        horizon=FAR,
        closed=lambda day: day.weekday() == 2,
    )
    assert [s.day for s, _ in slots] == [2, 3, 5, 6]


def test_the_march_change_keeps_ten_oclock():
    slots = expand_weekly(
        weekdays=[6],
        start_time=dt.time(10),
        end_time=dt.time(14),
        valid_from=dt.date(2026, 3, 22),
        valid_until=dt.date(2026, 4, 5),
        horizon=FAR,
    )
    assert [s.utcoffset() for s, _ in slots] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
        dt.timedelta(hours=2),
    ]
    assert [s.hour for s, _ in slots] == [10, 10, 10]


def test_horizon_stops_an_open_ended_rule():
    slots = expand_weekly(
        weekdays=[1],
        start_time=dt.time(10),
        end_time=dt.time(11),
        valid_from=dt.date(2026, 1, 1),
        horizon=dt.date(2026, 1, 31),
    )
    assert [s.day for s, _ in slots] == [6, 13, 20, 27]


def test_danish_holidays_include_easter_and_christmas():
    days = danish_holidays(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert dt.date(2026, 4, 3) in days  # Good Friday (Langfredag)
    assert dt.date(2026, 12, 25) in days
    assert dt.date(2026, 4, 7) not in days
