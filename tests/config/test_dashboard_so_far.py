"""A period that holds today is shown so far: its figures run from its first day up to and
including today, beside the same days a year earlier, and rates count the days that have
passed, never the days still to come."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from centres.models import OpeningKind, VisitCount
from centres.openings import hours_per_kind, local_datetime, openings_for
from config.dashboard.figures import dashboard
from config.dashboard.periods import Period, PeriodKind, year_earlier
from tests.centres.factories import OpeningHoursFactory
from tests.incidents.factories import BanFactory

CPH = ZoneInfo("Europe/Copenhagen")
DASHBOARD = reverse("dashboard:index")
KINDS = [PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR]

any_date = st.dates(datetime.date(2001, 1, 1), datetime.date(2099, 12, 31))


def day(text):
    return datetime.date.fromisoformat(text)


# --- The rule, without a database -------------------------------------------------------


@pytest.mark.clock_free
@settings(max_examples=400, deadline=None)
@given(today=any_date, kind=st.sampled_from(KINDS))
@example(today=day("2028-02-29"), kind=PeriodKind.MONTH)
@example(today=day("2029-02-28"), kind=PeriodKind.MONTH)
@example(today=day("2027-12-31"), kind=PeriodKind.YEAR)
@example(today=day("2027-06-30"), kind=PeriodKind.WEEK)
@example(today=day("2027-01-06"), kind=PeriodKind.WEEK)
@example(today=day("2026-12-31"), kind=PeriodKind.WEEK)
def test_the_part_so_far_and_its_twin_a_year_earlier(today, kind):
    whole = Period.containing(kind, today)
    so_far = whole.so_far(today)
    assert so_far.running and so_far.whole == whole
    assert (so_far.start, so_far.end) == (whole.start, today)
    assert so_far.days == (today - whole.start).days + 1
    assert so_far.weeks == so_far.days / 7
    assert so_far.so_far(today) == so_far
    assert so_far.label == whole.label

    twin = so_far.year_earlier()
    whole_twin = whole.year_earlier()
    assert twin.running and twin.whole == whole_twin
    assert twin.start == whole_twin.start and twin.end <= whole_twin.end
    if today == whole.end:
        # The last day: the whole period, as it is compared once it is over.
        assert twin.end == whole_twin.end
    if kind == PeriodKind.WEEK:
        # The same ISO week of the year before (its last week for week 53), same weekdays.
        year, week, weekday = today.isocalendar()
        weeks_then = datetime.date(year - 1, 12, 28).isocalendar()[1]
        assert twin.start.isocalendar()[:2] == (year - 1, min(week, weeks_then))
        assert twin.end.isocalendar()[2] == weekday
        assert twin.days == so_far.days
    else:
        assert twin.start == year_earlier(whole.start)
        if today != whole.end:
            # The same dates; 29 February a year later is the 28th.
            assert twin.end == year_earlier(today)
        assert (today - twin.end).days in (365, 366)


@pytest.mark.clock_free
@settings(max_examples=200, deadline=None)
@given(start=any_date, length=st.integers(0, 800), into=st.integers(0, 800))
def test_a_custom_range_so_far_is_compared_with_the_same_dates_a_year_earlier(start, length, into):
    period = Period(PeriodKind.CUSTOM, start, start + datetime.timedelta(days=length))
    today = start + datetime.timedelta(days=min(into, length))
    so_far = period.so_far(today)
    assert (so_far.start, so_far.end, so_far.whole) == (start, today, period)
    assert so_far.label == period.label
    twin = so_far.year_earlier()
    assert twin.start == year_earlier(start)
    assert twin.end == (year_earlier(period.end) if today == period.end else year_earlier(today))


@pytest.mark.clock_free
@given(today=any_date, kind=st.sampled_from(KINDS), offset=st.integers(1, 400))
def test_a_period_that_does_not_hold_today_is_shown_whole(today, kind, offset):
    for period in (
        Period.containing(kind, today - datetime.timedelta(days=offset)),
        Period.containing(kind, today + datetime.timedelta(days=offset)),
    ):
        if period.start <= today <= period.end:
            continue
        assert period.so_far(today) is period and not period.running


@pytest.mark.clock_free
@pytest.mark.parametrize(
    ("today", "kind", "expected"),
    [
        # A week across a month end: Monday 28 June to Wednesday 30 June 2027, beside
        # Monday to Wednesday of week 26 of 2026.
        ("2027-06-30", "week", ("2027-06-28", "2027-06-30", "2026-06-22", "2026-06-24")),
        # Week 1 of 2027 follows a year of 53 weeks: its twin is week 1 of 2026, not the
        # week 52 weeks before (week 2).
        ("2027-01-06", "week", ("2027-01-04", "2027-01-06", "2025-12-29", "2025-12-31")),
        # Week 53 of 2026 beside the last week of 2025 (week 52).
        ("2026-12-29", "week", ("2026-12-28", "2026-12-29", "2025-12-22", "2025-12-23")),
        # The last day of a month: the whole month beside the whole month.
        ("2027-06-30", "month", ("2027-06-01", "2027-06-30", "2026-06-01", "2026-06-30")),
        ("2027-12-30", "year", ("2027-01-01", "2027-12-30", "2026-01-01", "2026-12-30")),
        ("2027-12-31", "year", ("2027-01-01", "2027-12-31", "2026-01-01", "2026-12-31")),
        # 29 February: the twin runs to the 28th, the last day of February 2027.
        ("2028-02-29", "month", ("2028-02-01", "2028-02-29", "2027-02-01", "2027-02-28")),
        ("2028-02-29", "quarter", ("2028-01-01", "2028-02-29", "2027-01-01", "2027-02-28")),
        ("2028-02-28", "quarter", ("2028-01-01", "2028-02-28", "2027-01-01", "2027-02-28")),
        # The last day of February 2029 is compared with all of February 2028.
        ("2029-02-28", "month", ("2029-02-01", "2029-02-28", "2028-02-01", "2028-02-29")),
        ("2029-02-28", "year", ("2029-01-01", "2029-02-28", "2028-01-01", "2028-02-28")),
        ("2029-03-01", "year", ("2029-01-01", "2029-03-01", "2028-01-01", "2028-03-01")),
    ],
)
def test_so_far_at_the_edges(today, kind, expected):
    so_far = Period.containing(kind, day(today)).so_far(day(today))
    twin = so_far.year_earlier()
    assert (so_far.start, so_far.end, twin.start, twin.end) == tuple(map(day, expected))


def test_a_past_weeks_twin_is_the_same_iso_week():
    week = Period.containing(PeriodKind.WEEK, day("2027-01-07"))
    assert week.year_earlier() == Period(PeriodKind.WEEK, day("2025-12-29"), day("2026-01-04"))
    week_53 = Period.containing(PeriodKind.WEEK, day("2026-12-31"))
    assert week_53.year_earlier().start == day("2025-12-22")


# --- The figures: a recount over random data ---------------------------------------------

FIRST_DAY, LAST_DAY = day("2026-01-01"), day("2028-03-31")
tally_days = st.integers(0, (LAST_DAY - FIRST_DAY).days).map(
    lambda n: FIRST_DAY + datetime.timedelta(days=n)
)
# Todays in 2027 and 2028 whose year before lies within the data.
todays = st.sampled_from(
    [
        day("2027-01-01"),
        day("2027-01-04"),
        day("2027-06-30"),
        day("2027-10-31"),
        day("2027-12-31"),
        day("2028-02-28"),
        day("2028-02-29"),
        day("2028-03-01"),
        day("2028-03-31"),
    ]
)


def inside(period, date):
    return period.start <= date <= period.end


def opening_hours(centre_ids, first, last):
    start = local_datetime(first, datetime.time())
    end = local_datetime(last + datetime.timedelta(days=1), datetime.time())
    from centres.models import Centre

    centres = list(Centre.objects.filter(pk__in=centre_ids))
    openings = openings_for(centres, start, end)
    return hours_per_kind([o for c in centres for o in openings[c.pk]])


@pytest.mark.django_db
@pytest.mark.clock_free
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    today=todays,
    kind=st.sampled_from(KINDS),
    tallies=st.lists(st.tuples(tally_days, st.integers(1, 30)), max_size=40),
)
def test_figures_so_far_agree_with_a_recount_of_the_days_that_have_passed(
    world, today, kind, tallies
):
    """Every figure of the visits section, now and a year earlier, recounted over the
    elapsed days only; "now" is noon of `today`, passed to the figures as their moment."""
    VisitCount.objects.all().delete()
    if not world.centre_a.opening_hours.exists():
        OpeningHoursFactory(
            centre=world.centre_a,
            weekday=1,
            starts=datetime.time(8),
            ends=datetime.time(16),
            kind=OpeningKind.STAFFED,
            valid_from=FIRST_DAY,
        )
    rows = {}
    for date, visits in tallies:
        rows[date] = rows.get(date, 0) + visits
    VisitCount.objects.bulk_create(
        VisitCount(centre=world.centre_a, date=d, hour=None, kind="staffed", visits=v)
        for d, v in rows.items()
    )
    ids = [world.centre_a.pk]
    with translation.override("en"):
        context = dashboard(
            centre_ids=ids,
            organisation_id=world.org_a.pk,
            period=Period.containing(kind, today),
            now=local_datetime(today, datetime.time(12)),
        )
        figures = {str(f.label): f for f in context["sections"][0].figures}
        hours_section = {str(f.label): f for f in context["sections"][2].figures}

    so_far = context["period"]
    twin = context["earlier"]
    assert (so_far.start, so_far.end) == (Period.containing(kind, today).start, today)
    assert twin == so_far.year_earlier()
    for period, side in ((so_far, "current"), (twin, "previous")):
        visits = sum(v for d, v in rows.items() if inside(period, d))
        days = (period.end - period.start).days + 1
        hours = opening_hours(ids, period.start, period.end)[OpeningKind.STAFFED]
        assert getattr(figures["Visits"], side) == visits
        assert getattr(figures["Visits per day"], side) == round(visits / days, 1)
        assert getattr(figures["Visits per week"], side) == round(visits / (days / 7), 1)
        expected = round(visits / hours, 1) if hours else None
        assert getattr(figures["Visits per opening hour"], side) == expected
        assert getattr(hours_section["Staffed"], side) == round(hours / (days / 7), 1)
    # The charts and tables stop at today too.
    shown = sum(row["total"] for row in context["visit_chart"]["rows"])
    assert shown == figures["Visits"].current


# --- Through the page, at the clock's edges ----------------------------------------------

MOMENTS = [
    # (moment, kind, days in the period so far, its twin's first and last day)
    ("2027-06-30 10:00", "week", 3, "2026-06-22", "2026-06-24"),
    ("2027-06-30 10:00", "month", 30, "2026-06-01", "2026-06-30"),
    ("2027-12-31 23:30", "month", 31, "2026-12-01", "2026-12-31"),
    ("2027-12-31 23:30", "year", 365, "2026-01-01", "2026-12-31"),
    ("2028-02-29 10:00", "month", 29, "2027-02-01", "2027-02-28"),
    ("2028-02-29 10:00", "quarter", 60, "2027-01-01", "2027-02-28"),
    ("2027-12-03 09:00", "month", 3, "2026-12-01", "2026-12-03"),
]


def figure(response, label):
    for section in response.context["sections"]:
        for f in section.figures:
            if str(f.label) == label:
                return f
    raise KeyError(label)


@pytest.mark.django_db
@pytest.mark.parametrize(("moment", "kind", "days", "twin_first", "twin_last"), MOMENTS)
def test_the_page_compares_the_days_so_far_with_the_same_days_a_year_earlier(
    world, client_for, moment, kind, days, twin_first, twin_last
):
    at = datetime.datetime.fromisoformat(moment).replace(tzinfo=CPH)
    today = at.date()
    so_far = Period.containing(kind, today)
    twin_first, twin_last = day(twin_first), day(twin_last)
    whole_twin = Period.containing(kind, twin_first)
    counts = {
        # Inside the period so far: its first day and today.
        so_far.start: 10,
        today: 4,
        # Inside the twin: its first and last day.
        twin_first: 20,
        twin_last: 6,
    }
    if twin_last < whole_twin.end:
        # A year earlier, after the days compared: left out.
        counts[twin_last + datetime.timedelta(days=1)] = 1000
    if today < so_far.end:
        # A figure entered ahead of its day (a planned event): left out until the day.
        counts[today + datetime.timedelta(days=1)] = 500
    for date, visits in counts.items():
        VisitCount.objects.create(
            centre=world.centre_a, date=date, hour=None, kind="staffed", visits=visits
        )
    with time_machine.travel(at, tick=False):
        response = client_for(world.leader).get(
            DASHBOARD, {"period": kind, "date": today.isoformat()}
        )
    assert response.status_code == 200
    html = response.content.decode()
    current, previous = 14, 26
    visits = figure(response, "Besøg")
    assert (visits.current, visits.previous) == (current, previous)
    twin_days = (twin_last - twin_first).days + 1
    per_day = figure(response, "Besøg pr. dag")
    assert per_day.current == round(current / days, 1)
    assert per_day.previous == round(previous / twin_days, 1)
    assert "hidtil" in html
    assert f"til og med i dag, {today:%d.%m.%Y}" in html
    assert f"sammenlignet med {twin_first:%d.%m.%Y}\N{EN DASH}{twin_last:%d.%m.%Y}" in html


@pytest.mark.django_db
def test_a_period_that_has_ended_is_not_called_running(world, client_for):
    with time_machine.travel(datetime.datetime(2027, 7, 1, 10, tzinfo=CPH), tick=False):
        response = client_for(world.leader).get(
            DASHBOARD, {"period": "month", "date": "2027-06-15"}
        )
    html = response.content.decode()
    assert "hidtil" not in html and 'id="period-so-far"' not in html
    assert "30.06.2027" in html and "sammenlignet med 01.06.2026\N{EN DASH}30.06.2026" in html


# --- What is kept, day by day -------------------------------------------------------------


@pytest.mark.django_db
def test_kept_year_earlier_and_right_now_figures_follow_the_day_without_any_change(
    world, client_for
):
    """The twin of the days so far grows by a day each day, and the right-now figures are
    of the day: neither may be served from yesterday's keys, though nothing changed."""
    for date, visits in (("2026-06-02", 5), ("2026-06-03", 7), ("2026-06-04", 100)):
        VisitCount.objects.create(
            centre=world.centre_a, date=day(date), hour=None, kind="staffed", visits=visits
        )
    BanFactory(
        centre=world.centre_a,
        decided_by=world.leader,
        starts_on=day("2027-05-20"),
        ends_on=day("2027-06-02"),
    )
    this_month = {"period": "month", "date": "2027-06-02"}
    seen = []
    for moment in ("2027-06-02 09:00", "2027-06-02 15:00", "2027-06-03 09:00"):
        at = datetime.datetime.fromisoformat(moment).replace(tzinfo=CPH)
        with time_machine.travel(at, tick=False):
            response = client_for(world.leader).get(DASHBOARD, this_month)
            bans = next(
                f
                for f in response.context["now_section"].figures
                if str(f.label) == "Karantæner i kraft"
            )
            seen.append((figure(response, "Besøg").previous, bans.current))
    assert seen == [(5, 1), (5, 1), (12, 0)]
