"""The centres' closures (and public holidays) keep occurrences off closed days, also
when a closure is added, changed or removed after the occurrences were planned."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.models import Activity, Category, Schedule
from activities.recurrence import COPENHAGEN
from centres.calendar_days import danish_holidays
from centres.models import Closure, OpenDay

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

MONDAY = dt.datetime(2026, 3, 2, 7, tzinfo=COPENHAGEN)  # no holidays in March 2026
TUESDAY = dt.date(2026, 3, 3)


def daily(world, centres, *, runs_when_closed=False, weeks=2, **schedule):
    """Weekdays 10-11 at `centres` for `weeks` weeks from MONDAY."""
    activity = Activity.objects.create(
        organisation=world.org_a,
        title="NADA",
        category=Category.NADA,
        runs_when_closed=runs_when_closed,
    )
    activity.centres.set(centres)
    valid_from = schedule.pop("valid_from", MONDAY.date())
    Schedule.objects.create(
        activity=activity,
        weekdays=schedule.pop("weekdays", "01234"),
        start_time=dt.time(10),
        end_time=dt.time(11),
        valid_from=valid_from,
        valid_until=schedule.pop("valid_until", valid_from + dt.timedelta(weeks=weeks, days=-1)),
        **schedule,
    )
    return activity


def days(activity, **filters):
    return [
        o.start.astimezone(COPENHAGEN).date()
        for o in activity.occurrences.filter(**filters).order_by("start")
    ]


def close(centre, first, last=None, reason="Personaledag"):
    return Closure.objects.create(centre=centre, starts=first, ends=last or first, reason=reason)


@time_machine.travel(MONDAY, tick=False)
def test_a_closure_of_the_centre_skips_the_day(world):
    close(world.centre_a, TUESDAY)
    activity = daily(world, [world.centre_a], weeks=1)
    activity.materialise()
    assert TUESDAY not in days(activity)
    assert len(days(activity)) == 4


@time_machine.travel(MONDAY, tick=False)
def test_an_activity_at_two_centres_skips_only_days_both_are_closed(world):
    close(world.centre_a, TUESDAY, TUESDAY + dt.timedelta(days=1))
    close(world.centre_b, TUESDAY + dt.timedelta(days=1), reason="Sommerlukket")
    activity = daily(world, [world.centre_a, world.centre_b], weeks=1)
    activity.materialise()
    assert TUESDAY in days(activity)
    assert TUESDAY + dt.timedelta(days=1) not in days(activity)


@time_machine.travel(dt.datetime(2026, 3, 30, 7, tzinfo=COPENHAGEN), tick=False)
def test_an_off_site_activity_without_a_centre_skips_only_holidays(world):
    activity = daily(world, [], weeks=1, valid_from=dt.date(2026, 3, 30))
    activity.place = "Haslev Hallen"
    activity.save()
    close(world.centre_a, dt.date(2026, 3, 31))
    activity.materialise()
    assert [d.day for d in days(activity)] == [30, 31, 1]  # Easter Thursday and Friday off


@time_machine.travel(MONDAY, tick=False)
def test_an_activity_that_runs_when_closed_keeps_closed_days(world):
    close(world.centre_a, TUESDAY)
    activity = daily(world, [world.centre_a], weeks=1, runs_when_closed=True)
    activity.materialise()
    assert TUESDAY in days(activity, cancelled=False)


@time_machine.travel(dt.datetime(2026, 3, 30, 7, tzinfo=COPENHAGEN), tick=False)
def test_a_holiday_the_centre_opens_on_has_its_activities(world):
    OpenDay.objects.create(centre=world.centre_a, date=dt.date(2026, 4, 2))
    activity = daily(world, [world.centre_a], weeks=1, valid_from=dt.date(2026, 3, 30))
    activity.materialise()
    assert [d.day for d in days(activity)] == [30, 31, 1, 2]


@time_machine.travel(MONDAY, tick=False)
def test_a_new_closure_cancels_planned_occurrences_and_removing_it_brings_them_back(world):
    activity = daily(world, [world.centre_a])
    activity.materialise()
    planned = len(days(activity))
    assert planned == 10
    closure = close(world.centre_a, TUESDAY, TUESDAY + dt.timedelta(days=1), "Personaledag")
    cancelled = activity.occurrences.filter(cancelled=True)
    assert days(activity, cancelled=True) == [TUESDAY, TUESDAY + dt.timedelta(days=1)]
    assert {o.cancel_reason for o in cancelled} == {"Personaledag"}
    assert len(days(activity)) == planned  # cancelled, not deleted

    closure.starts = closure.ends = TUESDAY + dt.timedelta(days=7)
    closure.save()
    assert days(activity, cancelled=True) == [TUESDAY + dt.timedelta(days=7)]

    closure.delete()
    assert days(activity, cancelled=True) == []
    assert activity.occurrences.filter(cancel_reason="").count() == planned


@time_machine.travel(MONDAY, tick=False)
def test_a_closure_leaves_past_and_manually_cancelled_occurrences_alone(world):
    week_before = MONDAY.date() - dt.timedelta(days=7)
    activity = daily(world, [world.centre_a], weeks=3, valid_from=week_before)
    activity.materialise(since=MONDAY - dt.timedelta(days=7))
    past = activity.occurrences.get(start__date=TUESDAY - dt.timedelta(days=7))
    past.attendance = 6
    past.save()
    manual = activity.occurrences.get(start__date=TUESDAY + dt.timedelta(days=7))
    manual.cancelled, manual.cancel_reason = True, "Sygdom"
    manual.save()
    closure = close(world.centre_a, TUESDAY - dt.timedelta(days=7), TUESDAY + dt.timedelta(days=7))
    past.refresh_from_db()
    assert not past.cancelled and past.attendance == 6
    closure.delete()
    manual.refresh_from_db()
    assert manual.cancelled and manual.cancel_reason == "Sygdom"


@time_machine.travel(MONDAY, tick=False)
def test_a_course_moves_its_last_session_when_a_day_closes_and_back_when_it_opens(world):
    course = daily(world, [world.centre_a], weekdays="1", valid_until=None, session_count=3)
    course.materialise()
    assert days(course) == [TUESDAY + dt.timedelta(weeks=w) for w in range(3)]
    closure = close(world.centre_a, TUESDAY + dt.timedelta(weeks=1))
    assert len(days(course, cancelled=False)) == 3
    assert days(course, cancelled=False)[-1] == TUESDAY + dt.timedelta(weeks=3)
    closure.delete()
    assert days(course) == [TUESDAY + dt.timedelta(weeks=w) for w in range(3)]


@time_machine.travel(MONDAY, tick=False)
def test_the_nightly_command_catches_closures_saved_without_signals(world, capsys):
    activity = daily(world, [world.centre_a])
    activity.materialise()
    Closure.objects.bulk_create(
        [Closure(centre=world.centre_a, starts=TUESDAY, ends=TUESDAY, reason="Kursus")]
    )
    assert days(activity, cancelled=True) == []
    call_command("extend_occurrences")
    assert days(activity, cancelled=True) == [TUESDAY]


day_offsets = st.sets(st.integers(0, 40), max_size=8)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    closed_a=day_offsets,
    closed_b=day_offsets,
    at=st.sampled_from(["a", "b", "ab", ""]),
    runs_when_closed=st.booleans(),
    later=st.booleans(),
)
def test_no_occurrence_on_a_closure_or_holiday_unless_allowed(
    world, closed_a, closed_b, at, runs_when_closed, later
):
    start = dt.date(2026, 3, 23)  # Easter (2-6 April) in the range
    with time_machine.travel(dt.datetime(2026, 3, 23, 7, tzinfo=COPENHAGEN), tick=False):
        Closure.objects.all().delete()
        centres = {"a": world.centre_a, "b": world.centre_b}
        chosen = [centres[c] for c in at]
        activity = daily(
            world,
            chosen,
            weeks=6,
            runs_when_closed=runs_when_closed,
            weekdays="0123456",
            valid_from=start,
        )
        if later:
            activity.materialise()
        closed = {}
        for key, offsets in (("a", closed_a), ("b", closed_b)):
            for offset in offsets:
                day = start + dt.timedelta(days=offset)
                close(centres[key], day)
                closed.setdefault(key, set()).add(day)
        activity.materialise()
        held = set(days(activity, cancelled=False))
        holidays = set(danish_holidays(start, start + dt.timedelta(weeks=6)))
        if runs_when_closed:
            assert len(held) == 42
            return
        if chosen:
            shut = set.intersection(*[closed.get(c, set()) | holidays for c in at])
        else:
            shut = holidays
        assert not held & shut
        assert held == {start + dt.timedelta(days=i) for i in range(42)} - shut
        activity.delete()


@time_machine.travel(MONDAY, tick=False)
def test_a_closure_registered_afterwards_cancels_past_occurrences_not_counted(world):
    """The centre was closed last week after all: what was planned there was not held."""
    week_before = MONDAY.date() - dt.timedelta(days=7)
    activity = daily(world, [world.centre_a], weeks=2, valid_from=week_before)
    activity.materialise(since=MONDAY - dt.timedelta(days=7))
    counted = activity.occurrences.get(start__date=TUESDAY - dt.timedelta(days=7))
    counted.attendance = 4
    counted.save()
    closure = close(world.centre_a, week_before, week_before + dt.timedelta(days=4), "Vandskade")
    assert days(activity, cancelled=True) == [
        week_before + dt.timedelta(days=d) for d in (0, 2, 3, 4)
    ]
    assert activity.occurrences.filter(cancel_reason="Vandskade").count() == 4
    counted.refresh_from_db()
    assert not counted.cancelled and counted.attendance == 4
    closure.delete()
    assert days(activity, cancelled=True) == []


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=COPENHAGEN), tick=False)
def test_christmas_new_year_and_easter_have_no_occurrence_unless_the_centre_opens(world):
    fridays = daily(world, [world.centre_a], weekdays="4", valid_until=dt.date(2027, 4, 30))
    fridays.materialise()
    planned = days(fridays)
    for holiday in (dt.date(2026, 12, 25), dt.date(2027, 1, 1), dt.date(2027, 3, 26)):
        assert holiday not in planned
    for friday in (dt.date(2026, 12, 18), dt.date(2027, 1, 8), dt.date(2027, 4, 2)):
        assert friday in planned
    # The centre opens on Christmas Day: the activity is there; closed again, it is
    # cancelled with the holiday's name (phones that had it are told).
    christmas = dt.date(2026, 12, 25)
    open_day = OpenDay.objects.create(centre=world.centre_a, date=christmas)
    assert christmas in days(fridays, cancelled=False)
    open_day.delete()
    assert days(fridays, cancelled=True) == [christmas]
    assert fridays.occurrences.get(cancelled=True).cancel_reason == "Juledag"
