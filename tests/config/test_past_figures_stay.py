"""For any sequence of changes dated today or later, every figure of every past period is
what it was: the openings of each day, the week plans, the dashboard, the report pack,
outreach sessions, activity occurrences, shifts and closures (centres.validity).

The changes go through the forms and services staff and leaders use; changes that
would reach into the past must be refused and leave nothing behind."""

import dataclasses
import datetime

import pytest
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.forms import ActivityForm
from activities.models import Activity, Occurrence
from advice.forms import OutreachAbsenceForm, OutreachHoursForm
from advice.models import OutreachAbsence, OutreachHours
from centres import services, validity
from centres.calendar_days import week_start
from centres.forms import ClosureForm, OpeningHoursForm, ShiftForm
from centres.models import Centre, Closure, OpeningHours, OpeningKind, Shift
from centres.openings import closed_days, local_datetime, openings_for, week_plan
from config.dashboard import pack
from config.dashboard.figures import dashboard
from config.dashboard.periods import Period, PeriodKind
from tests.activities.factories import ActivityFactory
from tests.advice.factories import OutreachAbsenceFactory, OutreachHoursFactory
from tests.centres.factories import ClosureFactory, OpeningHoursFactory, ShiftFactory

pytestmark = pytest.mark.any_day

ONE_DAY = datetime.timedelta(days=1)
HISTORY_DAYS = 400


def plain(value, depth=0):
    """`value` as comparable plain data: dataclasses and objects by their fields, rows by
    their primary key."""
    if depth > 8:
        return repr(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, models.Model):
        return (value._meta.label, value.pk)
    if isinstance(value, models.QuerySet):
        value = list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {repr(plain(k, depth + 1)): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v, depth + 1) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    if isinstance(value, (str, int, float, bool, datetime.date, type(None))):
        return value
    if hasattr(value, "__dict__"):
        return {k: plain(v, depth + 1) for k, v in vars(value).items() if not k.startswith("_")}
    return repr(value)


def snapshot(centre, organisation_id, today, now):
    """Everything the app says about the days before `today`."""
    ids = [centre.pk]
    first, yesterday = today - HISTORY_DAYS * ONE_DAY, today - ONE_DAY
    start, end = local_datetime(first, datetime.time()), local_datetime(today, datetime.time())
    seen = {
        "openings": openings_for([centre], start, end)[centre.pk],
        "closed": closed_days([centre], first, yesterday),
        "outreach": [
            (s.hours.display_name, s.start, s.end)
            for s in OutreachHours.objects.filter(centre=centre).between(first, yesterday)
        ],
        "occurrences": list(
            Occurrence.objects.filter(start__lt=end)
            .order_by("start")
            .values_list("activity_id", "start", "end", "cancelled", "attendance")
        ),
        "shifts": list(
            Shift.objects.filter(starts__lt=end)
            .order_by("starts")
            .values_list("worker_id", "starts", "ends")
        ),
    }
    this_week = week_start(today)
    for monday in (this_week - 14 * ONE_DAY, this_week - 7 * ONE_DAY, this_week):
        days, hours = week_plan(centre, monday)
        seen[f"week plan {monday}"] = [
            (day, str(closed), [(e.start, e.end, str(e.label), e.kind) for e in entries])
            for day, closed, entries in days
            if day < today
        ]
        if monday + 7 * ONE_DAY <= today:
            seen[f"week hours {monday}"] = hours
    for kind in (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        current = Period.containing(kind, today)
        past = current.previous()
        seen[f"dashboard {past}"] = plain(
            dashboard(centre_ids=ids, organisation_id=organisation_id, period=past, now=now)
        )
        # The current period is partly ahead; its year-earlier column is all past.
        shown = dashboard(centre_ids=ids, organisation_id=organisation_id, period=current, now=now)
        seen[f"dashboard {current} a year earlier"] = [
            (figure.label, figure.previous)
            for section in shown["sections"]
            for figure in section.figures
        ]
    last_year = pack.compute(
        centres=[centre],
        organisation_id=organisation_id,
        year=today.year - 1,
        shared=False,
        now=now,
    )
    seen["pack, last year"] = plain(
        dataclasses.replace(
            last_year,
            # A rule's end that is now known (it ends the day before a change) is shown
            # beside it; which rules changed in the year, and when they began, stay.
            changes=[(c.pk, c.valid_from) for c in last_year.changes],
        )
    )
    this_year = pack.compute(
        centres=[centre], organisation_id=organisation_id, year=today.year, shared=False, now=now
    )
    seen["pack, this year's past weeks"] = (
        [w for w in this_year.weeks if w[0] + 7 * ONE_DAY <= today],
        {k: v for k, v in this_year.week_matrix.items() if k[1] + 7 * ONE_DAY <= today},
    )
    return seen


@pytest.fixture
def scene(world):
    """Centre A with hours, outreach hours, an activity, shifts and closures behind and
    ahead of today, and what the app says about the past."""
    today = timezone.localdate()
    centre = world.centre_a
    long_ago = today - (HISTORY_DAYS + 30) * ONE_DAY
    for weekday, ends in ((1, 16), (2, 15), (4, 14)):
        OpeningHoursFactory(
            centre=centre, weekday=weekday, ends=datetime.time(ends), valid_from=long_ago
        )
    OpeningHoursFactory(
        centre=centre,
        weekday=5,
        starts=datetime.time(10),
        ends=datetime.time(14),
        kind=OpeningKind.MAYBE,
        valid_from=today - 60 * ONE_DAY,
        valid_until=today + 60 * ONE_DAY,
    )
    OpeningHoursFactory(centre=centre, weekday=0, valid_from=today + 10 * ONE_DAY)
    outreach = OutreachHoursFactory(centre=centre, weekday=2, valid_from=long_ago)
    for first, last in ((-30, -20), (-6, 8)):
        OutreachAbsenceFactory(
            hours=outreach, start_date=today + first * ONE_DAY, end_date=today + last * ONE_DAY
        )
    activity = ActivityFactory(
        organisation=world.org_a,
        centres=[centre],
        schedule__valid_from=today - 90 * ONE_DAY,
        schedule__weekdays="13",
    )
    activity.materialise(since=local_datetime(today - 90 * ONE_DAY, datetime.time()))
    for days in (-20, -5, -1, 0, 3, 12):
        ClosureFactory(
            centre=centre, starts=today + days * ONE_DAY, ends=today + (days + 2) * ONE_DAY
        )
    for days in range(-30, 30, 3):
        day = today + days * ONE_DAY
        for worker, hour in ((world.staff_a, 8), (world.leader, 9)):
            starts = local_datetime(day, datetime.time(hour))
            ShiftFactory(
                centre=centre,
                worker=worker,
                starts=starts,
                ends=starts + datetime.timedelta(hours=6),
            )
    now = timezone.now()
    return {
        "world": world,
        "centre": centre,
        "activity": activity,
        "today": today,
        "now": now,
        "before": snapshot(centre, world.org_a.pk, today, now),
    }


offsets = st.integers(min_value=0, max_value=45)
pasts = st.integers(min_value=-45, max_value=-1)
picks = st.integers(min_value=0, max_value=50)
operations = st.one_of(
    st.tuples(st.just("hours"), picks, offsets, st.sampled_from([12, 13, 14, 15, 17])),
    st.tuples(st.just("hours end"), picks, st.integers(min_value=-1, max_value=45)),
    st.tuples(st.just("hours delete"), picks),
    st.tuples(st.just("hours add"), st.integers(0, 6), offsets),
    st.tuples(st.just("outreach"), picks, offsets, st.sampled_from([10, 11, 13])),
    st.tuples(st.just("schedule"), offsets, st.sampled_from(["0", "2", "14"])),
    st.tuples(st.just("absence add"), offsets, st.integers(0, 9)),
    st.tuples(st.just("absence delete"), picks),
    st.tuples(st.just("shift add"), offsets, st.integers(6, 18)),
    st.tuples(st.just("shift delete"), picks),
    st.tuples(st.just("closure add"), offsets, st.integers(0, 5)),
    st.tuples(st.just("closure delete"), picks),
    st.tuples(st.just("past edit"), picks, pasts),
)


def pick(queryset, index):
    rows = list(queryset.order_by("pk"))
    return rows[index % len(rows)] if rows else None


def hours_data(row, **changes):
    data = {
        "weekday": row.weekday,
        "starts": row.starts,
        "ends": row.ends,
        "kind": row.kind,
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
        "label": row.label,
    }
    return {**data, **changes}


def outreach_data(row, **changes):
    fields = OutreachHoursForm._meta.fields
    return {**{name: getattr(row, name) for name in fields}, "centre": row.centre_id, **changes}


def activity_data(activity, schedule, **changes):
    data = {
        "title": activity.title,
        "category": activity.category,
        "centres": [c.pk for c in activity.centres.all()],
        "led_by": activity.led_by,
        "staff_present": activity.staff_present,
        "runs_when_closed": activity.runs_when_closed,
        "weekdays": list(schedule.weekdays),
        "valid_from": schedule.valid_from,
        "start_time": schedule.start_time,
        "end_time": schedule.end_time,
        "interval_weeks": schedule.interval_weeks,
        "valid_until": schedule.valid_until or "",
        "session_count": schedule.session_count or "",
    }
    return {**data, **changes}


def apply(operation, scene):
    """Carry out one change as staff or a leader would. Return False if it was refused
    (a form error or ChangeRefused)."""
    centre, today, world = scene["centre"], scene["today"], scene["world"]
    name, *args = operation
    if name == "hours":
        row = pick(OpeningHours.objects.filter(centre=centre), args[0])
        data = hours_data(row, valid_from=today + args[1] * ONE_DAY, ends=datetime.time(args[2]))
        form = OpeningHoursForm(data, instance=row, centre=centre)
    elif name == "hours end":
        row = pick(OpeningHours.objects.filter(centre=centre), args[0])
        until = max(row.valid_from, today + args[1] * ONE_DAY)
        form = OpeningHoursForm(hours_data(row, valid_until=until), instance=row, centre=centre)
    elif name == "hours delete":
        row = pick(OpeningHours.objects.filter(centre=centre), args[0])
        return _refused(lambda: validity.delete_rule(row))
    elif name == "hours add":
        data = {
            "weekday": args[0],
            "starts": datetime.time(18),
            "ends": datetime.time(20),
            "kind": OpeningKind.USER_RUN,
            "valid_from": today + args[1] * ONE_DAY,
            "valid_until": None,
            "label": "",
        }
        form = OpeningHoursForm(data, centre=centre)
        form.instance.centre = centre
    elif name == "outreach":
        row = pick(OutreachHours.objects.filter(centre=centre), args[0])
        data = outreach_data(
            row, valid_from=today + args[1] * ONE_DAY, end_time=datetime.time(args[2])
        )
        form = OutreachHoursForm(data, instance=row, centres=Centre.objects.filter(pk=centre.pk))
    elif name == "absence add":
        hours = OutreachHours.objects.filter(centre=centre).order_by("pk").first()
        first = today + args[0] * ONE_DAY
        data = {"start_date": first, "end_date": first + args[1] * ONE_DAY, "reason": "illness"}
        form = OutreachAbsenceForm(data, hours=hours)
    elif name == "absence delete":
        absence = pick(OutreachAbsence.objects.filter(hours__centre=centre), args[0])
        if absence is None:
            return False
        return _refused(
            lambda: validity.delete_rule(absence, first_field="start_date", last_field="end_date")
        )
    elif name == "schedule":
        activity = Activity.objects.get(pk=scene["activity"].pk)
        schedule = activity.schedules.order_by("valid_from").last()
        data = activity_data(
            activity, schedule, valid_from=today + args[0] * ONE_DAY, weekdays=list(args[1])
        )
        form = ActivityForm(data, instance=activity, centres=Centre.objects.filter(pk=centre.pk))
    elif name == "shift add":
        day = today + args[0] * ONE_DAY
        data = {
            "worker": world.leader.pk,
            "starts": f"{day}T{args[1]:02d}:00",
            "ends": f"{day}T{args[1] + 3:02d}:00",
        }
        form = ShiftForm(data, centre=centre)
        if form.is_valid():
            form.instance.centre = centre
            form.save()
            return True
        return False
    elif name == "shift delete":
        shift = pick(Shift.objects.filter(centre=centre), args[0])
        return _refused(lambda: services.shift_delete(shift=shift))
    elif name == "closure add":
        first = today + args[0] * ONE_DAY
        data = {"starts": first, "ends": first + args[1] * ONE_DAY, "reason": "Personaledag"}
        form = ClosureForm(data)
        if form.is_valid():
            form.instance.centre = centre
            form.save()
            return True
        return False
    elif name == "closure delete":
        closure = pick(Closure.objects.filter(centre=centre), args[0])
        return _refused(
            lambda: validity.delete_rule(closure, first_field="starts", last_field="ends")
        )
    elif name == "past edit":
        row = pick(OpeningHours.objects.filter(centre=centre), args[0])
        data = hours_data(row, valid_from=today + args[1] * ONE_DAY, ends=datetime.time(13))
        form = OpeningHoursForm(data, instance=row, centre=centre)
        assert not form.is_valid(), "a change from a past day was let through"
        return False
    else:  # pragma: no cover
        raise AssertionError(name)
    if not form.is_valid():
        return False
    form.save()
    return True


def _refused(action):
    try:
        action()
    except validity.ChangeRefused:
        return False
    return True


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(operations, min_size=1, max_size=5))
def test_changes_from_today_on_leave_every_past_figure_as_it_was(scene, changes):
    centre, world = scene["centre"], scene["world"]
    with transaction.atomic():
        for operation in changes:
            apply(operation, scene)
        after = snapshot(centre, world.org_a.pk, scene["today"], scene["now"])
        transaction.set_rollback(True)
    for key, value in scene["before"].items():
        assert after[key] == value, key
