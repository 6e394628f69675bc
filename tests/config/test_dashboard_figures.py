"""Every dashboard figure agrees with a plain recount in Python over random data, for the
period and for the same period a year earlier."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.models import Occurrence
from advice.models import Channel, Contact, HelperRole
from centres.calendar_days import danish_holidays
from centres.models import Census, OpeningKind, VisitCount, VisitKind
from centres.openings import hours_per_kind, local_datetime, openings_for, understaffed
from centres.stats import opening_figures, opening_hours_totals, understaffed_count
from config.dashboard.figures import dashboard
from config.dashboard.periods import Period
from incidents.models import Incident, Kind, Severity
from tests.activities.factories import ActivityFactory
from tests.advice.factories import ContactFactory
from tests.centres.factories import (
    ClosureFactory,
    KeyHolderFactory,
    OpeningHoursFactory,
    ShiftFactory,
    UserRunOpeningFactory,
)
from tests.factories import UserFactory
from tests.incidents.factories import IncidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

PERIOD = Period("quarter", datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
EARLIER = Period("quarter", datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))
NOW = local_datetime(datetime.date(2026, 1, 1), datetime.time(12))
FIRST_DAY, LAST_DAY = datetime.date(2024, 3, 1), datetime.date(2025, 7, 31)
SPAN = (LAST_DAY - FIRST_DAY).days

days = st.integers(0, SPAN).map(lambda n: FIRST_DAY + datetime.timedelta(days=n))
tally = st.tuples(
    st.integers(0, 1),
    days,
    st.one_of(st.none(), st.integers(6, 22)),
    st.sampled_from(VisitKind.values),
    st.integers(0, 30),
    st.integers(0, 30),
)
incident = st.tuples(
    st.integers(0, 1),
    days,
    st.lists(st.sampled_from(Kind.values), min_size=1, max_size=3, unique=True),
    st.sampled_from(Severity.values),
)
occurrence = st.tuples(
    st.integers(0, 2),
    days,
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 25)),
)
census = st.tuples(st.integers(0, 1), days, st.integers(0, 60), st.integers(0, 30))
contact = st.tuples(
    st.integers(0, 1), days, st.sampled_from(Channel.values), st.sampled_from(HelperRole.values)
)


def figures_by_label(context):
    return {
        (section.key, str(figure.label)): figure
        for section in [*context["sections"], context["now_section"]]
        for figure in section.figures
    }


def inside(period, date):
    return period.start <= date <= period.end


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tallies=st.lists(tally, max_size=40),
    incidents=st.lists(incident, max_size=12),
    occurrences=st.lists(occurrence, max_size=15),
    censuses=st.lists(census, max_size=6),
    contacts=st.lists(contact, max_size=12),
    both=st.booleans(),
)
def test_dashboard_agrees_with_a_plain_recount(
    world, tallies, incidents, occurrences, censuses, contacts, both
):
    for model in (VisitCount, Incident, Occurrence, Census, Contact):
        model.objects.all().delete()
    centres = [world.centre_a, world.centre_b]
    chosen = [0, 1] if both else [0]
    activities = getattr(world, "_activities", None)
    if activities is None:
        activities = [
            ActivityFactory(organisation=world.org_a, centres=[centres[i]], schedule=False)
            for i in (0, 1)
        ] + [ActivityFactory(organisation=world.org_a, centres=centres, schedule=False)]
        world._activities = activities
    rows = {}
    for c, date, hour, kind, visits, new in tallies:
        rows[(c, date, hour, kind)] = (visits, min(new, visits))
    VisitCount.objects.bulk_create(
        VisitCount(centre=centres[c], date=d, hour=h, kind=k, visits=v, new_visits=n)
        for (c, d, h, k), (v, n) in rows.items()
    )
    for c, date, kinds, severity in incidents:
        IncidentFactory(
            centre=centres[c],
            occurred_at=local_datetime(date, datetime.time(13)),
            kinds=kinds,
            severity=severity,
        )
    for i, (a, date, cancelled, attendance) in enumerate(occurrences):
        start = local_datetime(date, datetime.time(10)) + datetime.timedelta(minutes=i)
        Occurrence.objects.create(
            activity=activities[a],
            original_start=start,
            start=start,
            end=start + datetime.timedelta(hours=1),
            cancelled=cancelled,
            cancel_reason="Aflyst" if cancelled else "",
            attendance=None if cancelled else attendance,
        )
    census_rows = {(c, d): (w, m) for c, d, w, m in censuses}
    for (c, d), (w, m) in census_rows.items():
        Census.objects.create(centre=centres[c], date=d, weekly=w, monthly=m, occasional=1)
    for c, d, channel, role in contacts:
        ContactFactory(centre=centres[c], date=d, channel=channel, helper_role=role)

    with translation.override("en"):
        context = dashboard(
            centre_ids=[centres[i].pk for i in chosen],
            organisation_id=world.org_a.pk,
            period=PERIOD,
            now=NOW,
        )
        got = figures_by_label(context)
        kind_labels = [(kind, str(label)) for kind, label in Kind.choices]
        severity_labels = [(severity, str(label)) for severity, label in Severity.choices]

    for period, side in ((PERIOD, "current"), (EARLIER, "previous")):

        def value(key, label, side=side):
            return getattr(got[(key, label)], side)

        kept = [(k, v) for k, v in rows.items() if k[0] in chosen and inside(period, k[1])]
        visits = sum(v for _k, (v, _n) in kept)
        assert value("visits", "Visits") == visits
        assert value("visits", "Staffed") == sum(
            v for k, (v, _n) in kept if k[3] == VisitKind.STAFFED
        )
        assert value("visits", "User-run") == sum(
            v for k, (v, _n) in kept if k[3] == VisitKind.USER_RUN
        )
        assert value("visits", "New visitors") == sum(n for _k, (_v, n) in kept)
        assert value("visits", "Visits per week") == round(visits / (period.days / 7), 1)

        mine = [i for i in incidents if i[0] in chosen and inside(period, i[1])]
        assert value("incidents", "Incidents") == len(mine)
        expected_rate = round(len(mine) * 1000 / visits, 1) if visits else None
        assert value("incidents", "Incidents per 1,000 visits") == expected_rate
        for kind, label in kind_labels:
            assert value("incidents", label) == sum(1 for i in mine if kind in i[2])
        for severity, label in severity_labels:
            assert value("incidents", label) == sum(1 for i in mine if i[3] == severity)

        at = {0: {0}, 1: {1}, 2: {0, 1}}
        occ = [o for o in occurrences if at[o[0]] & set(chosen) and inside(period, o[1])]
        held = [o for o in occ if not o[2]]
        assert value("activities", "Held") == len(held)
        assert value("activities", "Cancelled") == len(occ) - len(held)
        recorded = [o[3] for o in held if o[3] is not None]
        average = round(sum(recorded) / len(recorded), 1) if recorded else None
        assert value("activities", "Average attendance") == average

        latest = {}
        for (c, d), (w, m) in sorted(census_rows.items(), key=lambda item: item[0][1]):
            if c in chosen and d <= period.end:
                latest[c] = (w, m)
        assert value("census", "Weekly users") == sum(w for w, _m in latest.values())
        assert value("census", "Regular users in all") == sum(w + m + 1 for w, m in latest.values())

        advice = [x for x in contacts if x[0] in chosen and inside(period, x[1])]
        assert value("advice", "Advice contacts") == len(advice)

    # Charts and tables of the period itself.
    kept = [(k, v) for k, v in rows.items() if k[0] in chosen and inside(PERIOD, k[1])]
    heat = Counter()
    for (_c, d, h, _k), (v, _n) in kept:
        if h is not None:
            heat[(d.weekday(), h)] += v
    cells = {
        (day, cell["hour"]): cell["n"]
        for day, row in enumerate(context["heat_map"]["rows"])
        for cell in row["cells"]
    }
    assert {k: v for k, v in cells.items() if v} == {k: v for k, v in heat.items() if v}
    weekly = Counter()
    for (_c, d, _h, _k), (v, _n) in kept:
        weekly[d - datetime.timedelta(days=d.weekday())] += v
    mondays = sorted(
        {
            PERIOD.start
            + datetime.timedelta(days=n - (PERIOD.start + datetime.timedelta(days=n)).weekday())
            for n in range(PERIOD.days)
        }
    )
    assert [row["total"] for row in context["visit_chart"]["rows"]] == [weekly[m] for m in mondays]

    by_activity = Counter()
    for a, d, cancelled, attendance in occurrences:
        if at[a] & set(chosen) and inside(PERIOD, d) and not cancelled and attendance is not None:
            by_activity[activities[a].title] += attendance
    expected = sorted(by_activity.items(), key=lambda item: (-item[1], item[0]))[:5]
    assert [(r["activity__title"], r["attendance"]) for r in context["best_attended"]] == expected


def naive_hours_and_flags(centre, first, last):
    """Hours by kind and the staffed openings with fewer than two qualified staff, recounted
    by hand from the rows: a weekly slot on a day not closed (a closure or a holiday)
    counts its wall-clock hours, unless a user-run opening planned at its very times
    replaces a slot that is not staffed; planned openings count their real hours, those
    at the same times once; a staffed slot is flagged if at some hour fewer than two
    people whose qualification counts are on a shift."""
    from centres.models import Closure, OpeningHours, Shift, UserRunOpening

    hours = dict.fromkeys(OpeningKind.values, 0.0)
    flags = 0
    holidays = danish_holidays(first, last)
    closures = list(Closure.objects.filter(centre=centre))
    counting = centre.organisation.qualifications_for_two_staff
    shifts = [
        s
        for s in Shift.objects.filter(centre=centre).select_related("worker")
        if s.worker.qualification in counting
    ]
    runs = {(r.starts, r.ends) for r in UserRunOpening.objects.filter(centre=centre)}
    for starts, ends in runs:
        if first <= timezone.localtime(starts).date() <= last:
            hours[OpeningKind.USER_RUN] += (ends - starts).total_seconds() / 3600
    day = first
    while day <= last:
        closed = day in holidays or any(c.starts <= day <= c.ends for c in closures)
        for rule in OpeningHours.objects.filter(centre=centre, weekday=day.weekday()):
            if closed or not rule.is_valid_on(day):
                continue
            starts, ends = local_datetime(day, rule.starts), local_datetime(day, rule.ends)
            if rule.kind != OpeningKind.STAFFED and (starts, ends) in runs:
                continue
            hours[rule.kind] += rule.ends.hour - rule.starts.hour
            if rule.kind == OpeningKind.STAFFED:
                fewest = min(
                    len(
                        [
                            s
                            for s in shifts
                            if s.starts <= starts + datetime.timedelta(hours=h) < s.ends
                        ]
                    )
                    for h in range(rule.ends.hour - rule.starts.hour)
                )
                flags += fewest < 2
        day += datetime.timedelta(days=1)
    return hours, flags


weekly_rule = st.tuples(
    st.integers(0, 6),
    st.integers(7, 12),
    st.integers(1, 6),
    st.sampled_from(OpeningKind.values),
    st.integers(0, 40),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rules=st.lists(weekly_rule, max_size=5),
    closure=st.one_of(st.none(), st.tuples(st.integers(0, 50), st.integers(0, 10))),
    shifts=st.lists(
        st.tuples(st.integers(0, 60), st.integers(6, 14), st.integers(1, 9)), max_size=8
    ),
    runs=st.lists(st.integers(0, 60), max_size=3),
)
def test_opening_hours_and_two_staff_rule_agree_with_a_recount_by_hand(
    world, rules, closure, shifts, runs
):
    """Across a daylight-saving change and Easter, the figures and what the openings
    module reads from the same SQL rules agree with a recount by hand."""
    from centres.models import Closure, KeyHolder, OpeningHours, Shift, UserRunOpening

    for model in (Shift, UserRunOpening, KeyHolder, Closure, OpeningHours):
        model.objects.all().delete()
    centre = world.centre_a
    first, last = datetime.date(2025, 3, 10), datetime.date(2025, 5, 4)
    used = set()
    for weekday, start, length, kind, offset in rules:
        if weekday in used:  # one rule per weekday: overlapping rules are refused anyway
            continue
        used.add(weekday)
        OpeningHoursFactory(
            centre=centre,
            weekday=weekday,
            starts=datetime.time(start),
            ends=datetime.time(start + length),
            kind=kind,
            valid_from=first + datetime.timedelta(days=offset),
        )
    if closure:
        begin = first + datetime.timedelta(days=closure[0])
        ClosureFactory(
            centre=centre, starts=begin, ends=begin + datetime.timedelta(days=closure[1])
        )
    workers = [UserFactory(organisation=world.org_a), world.staff_a]
    for i, (day, hour, length) in enumerate(shifts):
        starts = local_datetime(first + datetime.timedelta(days=day), datetime.time(hour))
        worker = workers[i % 2]
        if Shift.objects.filter(
            worker=worker, starts__lt=starts + datetime.timedelta(hours=length), ends__gt=starts
        ).exists():
            continue
        ShiftFactory(
            centre=centre,
            worker=worker,
            starts=starts,
            ends=starts + datetime.timedelta(hours=length),
        )
    holder = KeyHolderFactory(organisation=world.org_a, alias=f"Nøgle {len(runs)}-{len(shifts)}")
    for day in runs:
        date = first + datetime.timedelta(days=day)
        matching = next(
            (h for h in OpeningHours.objects.filter(centre=centre, weekday=date.weekday())), None
        )
        if matching is not None and matching.is_valid_on(date):
            starts = local_datetime(date, matching.starts)
            ends = local_datetime(date, matching.ends)
        else:
            starts = local_datetime(date, datetime.time(18))
            ends = starts + datetime.timedelta(hours=3)
        UserRunOpeningFactory(centre=centre, starts=starts, ends=ends, key_holder=holder)

    hours, flags = naive_hours_and_flags(centre, first, last)
    start = local_datetime(first, datetime.time())
    end = local_datetime(last + datetime.timedelta(days=1), datetime.time())
    read = hours_per_kind(openings_for([centre], start, end)[centre.pk])
    for kind in OpeningKind.values:
        assert read[kind] == pytest.approx(hours[kind], abs=1e-6), kind
    assert len(understaffed([centre], start, end)) == flags
    got = opening_hours_totals([centre.pk], first, last)
    for kind in OpeningKind.values:
        assert got[kind] == pytest.approx(hours[kind], abs=1e-6), kind
    assert understaffed_count([centre.pk], first, last) == flags
    assert opening_figures([centre.pk], first, last) == (got, flags)


def test_a_year_earlier_keeps_weekdays_for_weeks_and_dates_otherwise():
    week = Period.containing("week", datetime.date(2025, 3, 5))
    assert week.year_earlier().start.weekday() == 0
    assert week.year_earlier().start == week.start - datetime.timedelta(weeks=52)
    leap = Period("custom", datetime.date(2024, 2, 29), datetime.date(2024, 3, 10))
    assert leap.year_earlier().start == datetime.date(2023, 2, 28)
    month = Period.containing("month", datetime.date(2024, 2, 10))
    assert month.year_earlier() == Period(
        "month", datetime.date(2023, 2, 1), datetime.date(2023, 2, 28)
    )


def test_state_figures_count_what_is_open_now(world):
    from tests.centres.factories import KeyFobFactory, KeyLoanFactory
    from tests.incidents.factories import BanFactory, FollowUpItemFactory

    today = timezone.localdate()
    report = IncidentFactory(centre=world.centre_a, absence_first_day=today, injury=True)
    FollowUpItemFactory(incident=report, owner=world.leader)
    FollowUpItemFactory(incident=report, owner=world.leader, done_on=today)
    yesterday = today - datetime.timedelta(days=1)
    FollowUpItemFactory(incident=report, owner=world.leader, due_on=yesterday)
    FollowUpItemFactory(incident=report, owner=world.leader, due_on=yesterday, done_on=today)
    IncidentFactory(centre=world.centre_b, absence_first_day=today, injury=True)
    BanFactory(decided_by=world.leader, centre=world.centre_a)
    unbriefed = KeyHolderFactory(organisation=world.org_a, safety_briefing=None)
    fob = KeyFobFactory(organisation=world.org_a, centres=[world.centre_a])
    KeyLoanFactory(fob=fob, holder=unbriefed)
    KeyFobFactory(organisation=world.org_a, centres=[world.centre_b])
    with translation.override("en"):
        got = figures_by_label(
            dashboard(
                centre_ids=[world.centre_a.pk],
                organisation_id=world.org_a.pk,
                period=Period.containing("month", today),
            )
        )
    now = {label: f.current for (key, label), f in got.items() if key == "now"}
    assert now["Open follow-up items"] == 2
    assert now["Overdue follow-up items"] == 1
    assert now["Work-injury reports due"] == 1
    assert now["Bans in force"] == 1
    assert now["Centres with an overdue or missing risk assessment"] == 1
    assert now["Key fobs lent out"] == 1
    assert now["Key holders without a safety briefing"] == 1
