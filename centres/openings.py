"""When is a centre open: weekly hours, closures, Danish public holidays, user-run openings.

The rules are written once, in SQL (the functions centres_openings and centres_closed_days,
migrations centres/0029 and 0030); this module reads them. Every answer is in the
centre's local time (Europe/Copenhagen), so a change of daylight saving time never shifts
an opening: 8 to 16 stays 8 to 16 on the wall clock.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from centres.models import OpeningKind, UserRunOpening
from centres.signals import week_plan_entries

# How far ahead "next opening" looks.
NEXT_OPENING_HORIZON_DAYS = 28


@dataclass(frozen=True)
class Opening:
    """One concrete opening of a centre: aware start and end, a kind and where it came from.

    `hours` as the opening rules count them: a weekly slot's wall-clock hours, also on
    the nights the clocks change; a planned user-run opening's real ones.
    """

    centre_id: int
    start: datetime.datetime
    end: datetime.datetime
    kind: str
    label: str = ""
    hours_id: int | None = None
    user_run: UserRunOpening | None = field(default=None, compare=False)
    hours: float | None = None

    def __post_init__(self):
        if self.hours is None:
            object.__setattr__(self, "hours", (self.end - self.start).total_seconds() / 3600)

    def get_kind_display(self):
        return OpeningKind(self.kind).label

    def contains(self, moment):
        return self.start <= moment < self.end


def local_datetime(date, time):
    """The moment of wall-clock `time` on `date` in the current time zone, in UTC.

    In UTC, so differences and comparisons are real durations: Python compares and
    subtracts two datetimes of the same zone by their wall clocks, ignoring DST.
    """
    return timezone.make_aware(datetime.datetime.combine(date, time)).astimezone(datetime.UTC)


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def closed_days(centres, first, last):
    """Return {centre pk: {date: reason}} of the days each centre is closed from `first` to
    `last` (dates, inclusive): closures and holidays, unless a day was explicitly opened.
    One query (centres_closed_days)."""
    result = {c.pk: {} for c in centres}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT centre_id, day, reason FROM centres_closed_days(%s::bigint[], %s, %s)",
            [list(result), first, last],
        )
        for pk, day, reason in cursor:
            result[pk][day] = reason
    return result


OPENINGS = """
SELECT o.centre_id, o.kind, o.starts, o.ends, o.hours, o.hours_id, coalesce(h.label, ''),
       o.user_run_id
FROM centres_openings(%s::bigint[], %s, %s) o
LEFT JOIN centres_openinghours h ON h.id = o.hours_id
WHERE o.starts < %s AND o.ends > %s
ORDER BY o.centre_id, o.starts, o.ends, o.kind
"""


def openings_for(centres, start, end):
    """Return {centre pk: [Opening]} of openings overlapping [start, end), sorted by start.

    The rows of centres_openings for the local days from the day before `start` to that
    of `end`: one query whatever the number of centres or days, and one more for the
    planned user-run openings of those days, so the count never depends on the data.
    """
    result = {c.pk: [] for c in centres}
    first, last, rows = _opening_rows(list(result), start, end)
    planned = UserRunOpening.objects.select_related("key_holder").filter(
        centre_id__in=list(result),
        starts__gte=local_datetime(first, datetime.time()),
        starts__lt=local_datetime(last + datetime.timedelta(days=1), datetime.time()),
    )
    runs = {run.pk: run for run in planned}
    for pk, kind, starts, ends, hours, hours_id, label, run_id in rows:
        result[pk].append(
            Opening(
                centre_id=pk,
                start=starts,
                end=ends,
                kind=kind,
                label=label,
                hours_id=hours_id,
                user_run=runs.get(run_id),
                hours=hours,
            )
        )
    return result


def _opening_rows(pks, start, end):
    """(first day, last day, rows of OPENINGS) for the centres `pks` from `start` to `end`."""
    first = timezone.localtime(start).date() - datetime.timedelta(days=1)
    last = timezone.localtime(end).date()
    with connection.cursor() as cursor:
        cursor.execute(OPENINGS, [pks, first, last, end, start])
        return first, last, cursor.fetchall()


def opening_rows(centres, start, end):
    """[(centre pk, kind, start, end, label)] of the openings overlapping [start, end), by
    centre and start: what openings_for finds, in one query, without the planned user-run
    openings' records (a calendar of many centres shows only when and what kind)."""
    _first, _last, rows = _opening_rows([c.pk for c in centres], start, end)
    return [
        (pk, kind, starts, ends, label)
        for pk, kind, starts, ends, _hours, _hours_id, label, _run_id in rows
    ]


def day_openings(centre, day):
    """The openings of `centre` overlapping the local day `day`, sorted by start."""
    start = local_datetime(day, datetime.time())
    end = local_datetime(day + datetime.timedelta(days=1), datetime.time())
    return openings_for([centre], start, end)[centre.pk]


def in_progress(openings, moment):
    """The opening of `openings` in progress at `moment`, staffed first, or None."""
    current = [o for o in openings if o.contains(moment)]
    current.sort(key=lambda o: o.kind != OpeningKind.STAFFED)
    return current[0] if current else None


# The kind of the opening of a centre in progress at a moment, staffed first: an opening
# in progress began on the moment's local day or the day before.
KIND_AT = """
SELECT o.kind FROM centres_openings(ARRAY[%(centre)s]::bigint[], %(day)s::date - 1, %(day)s) o
WHERE o.starts <= %(at)s AND o.ends > %(at)s
ORDER BY o.kind <> 'staffed', o.starts, o.ends, o.kind
LIMIT 1
"""


def kind_at(centre, moment):
    """The kind of the opening of `centre` in progress at `moment`, staffed first, or
    None: what open_at(...).kind says, in one query that reads nothing else."""
    with connection.cursor() as cursor:
        cursor.execute(KIND_AT, kind_at_params(centre.pk, moment))
        row = cursor.fetchone()
    return row[0] if row else None


def kind_at_params(centre_id, moment):
    return {"centre": centre_id, "day": timezone.localdate(moment), "at": moment}


def open_at(centre, moment):
    """The opening of `centre` in progress at `moment`, staffed first, or None.

    Worked out from the openings of the whole local day, which a caller may keep: an
    opening in progress overlaps the day, and a planned user-run opening replaces only a
    slot with its own start and end, so the day holds the same candidates as the moment.
    """
    return in_progress(day_openings(centre, timezone.localdate(moment)), moment)


def next_opening(centre, moment):
    """The first opening of `centre` that starts after `moment` within the horizon."""
    horizon = moment + datetime.timedelta(days=NEXT_OPENING_HORIZON_DAYS)
    upcoming = [o for o in openings_for([centre], moment, horizon)[centre.pk] if o.start > moment]
    return upcoming[0] if upcoming else None


def week_bounds(monday):
    """Aware [start, end) of the week that begins on `monday`."""
    return (
        local_datetime(monday, datetime.time()),
        local_datetime(monday + datetime.timedelta(days=7), datetime.time()),
    )


def hours_per_kind(openings):
    """Return {kind: hours} summed over `openings` (as the opening rules count them)."""
    totals = dict.fromkeys(OpeningKind.values, 0.0)
    for opening in openings:
        totals[opening.kind] += opening.hours
    return totals


@dataclass
class StaffingFlag:
    centre: object
    opening: Opening
    staff: int


def understaffed(centres, start, end):
    """Return [StaffingFlag] for every staffed opening from `start` to `end` with fewer
    than two qualified staff planned at some moment (the Working Environment Authority's
    rule; see centres.staffing for who is planned and who counts)."""
    from centres.staffing import staffing_at

    first, last = timezone.localdate(start), timezone.localdate(end)
    return [
        StaffingFlag(s.centre, s.opening, s.qualified)
        for s in staffing_at(centres, first, last)
        if s.at_risk and s.opening.start < end and s.opening.end > start
    ]


@dataclass(frozen=True)
class WeekPlanEntry:
    """Anything shown on the week plan: start, end, label and a kind (a CSS class)."""

    start: datetime.datetime
    end: datetime.datetime
    label: str
    kind: str
    opening: Opening | None = field(default=None, compare=False)


def week_plan(centre, monday, extra_entries=()):
    """Return the week plan of `centre` for the week from `monday`: a list of seven
    (date, closed reason or "", [WeekPlanEntry]) plus the hours per kind."""
    start, end = week_bounds(monday)
    openings = openings_for([centre], start, end)[centre.pk]
    closed = closed_days([centre], monday, monday + datetime.timedelta(days=6))[centre.pk]
    entries = [
        WeekPlanEntry(o.start, o.end, o.label or o.get_kind_display(), o.kind, o) for o in openings
    ]
    extras = [*extra_entries, *week_plan_entries.items(centre=centre, start=start, end=end)]
    entries.extend(WeekPlanEntry(*item) for item in extras)
    week = []
    for day in days(monday, monday + datetime.timedelta(days=6)):
        of_day = sorted(
            (e for e in entries if timezone.localtime(e.start).date() == day),
            key=lambda e: (e.start, e.end),
        )
        week.append((day, closed.get(day, ""), of_day))
    return week, hours_per_kind(openings)
