"""Figures on visits, opening hours, staffing and keys for a set of centres and dates.

Each function is a fixed number of queries whatever the number of centres or days, and
takes centre ids (already scoped by the caller) and dates (inclusive).
"""

import datetime

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from centres.calendar_days import week_start
from centres.models import (
    Census,
    OpeningHours,
    OpeningKind,
    VisitDay,
    VisitKind,
)
from centres.reads import Read, reader


def visit_totals(centre_ids, first, last):
    """Return {"staffed", "user_run", "visits", "new_visits"} summed over the period."""
    return visit_totals_per_period(centre_ids, [(first, last)])[0]


# Per period, the visits of its days by kind. A UNION ALL of a query per period is
# planned as a parallel append, and days of several periods in one scan read each
# centre's every day: each period is its own index range here.
VISIT_TOTALS_SQL = """
SELECT p.i, v.kind, v.visits, v.new_visits
FROM unnest(%(firsts)s::date[], %(lasts)s::date[]) WITH ORDINALITY AS p (first, last, i)
CROSS JOIN LATERAL (
    SELECT kind, sum(visits) AS visits, sum(new_visits) AS new_visits FROM centres_visitday
    WHERE centre_id = ANY(%(ids)s::bigint[]) AND date >= p.first AND date <= p.last
    GROUP BY kind
) AS v
"""


@reader
def visit_totals_per_period(centre_ids, periods):
    """Return visit_totals of each (first day, last day) of `periods`, in their order.
    One query."""
    params = {
        "firsts": [first for first, _last in periods],
        "lasts": [last for _first, last in periods],
        "ids": list(centre_ids),
    }

    def totals(cursor):
        found = [
            {VisitKind.STAFFED: 0, VisitKind.USER_RUN: 0, "visits": 0, "new_visits": 0}
            for _period in periods
        ]
        for i, kind, visits, new in cursor.fetchall():
            period = found[i - 1]
            period[kind] += visits
            period["visits"] += visits
            period["new_visits"] += new
        return [
            {
                "staffed": t[VisitKind.STAFFED],
                "user_run": t[VisitKind.USER_RUN],
                "visits": t["visits"],
                "new_visits": t["new_visits"],
            }
            for t in found
        ]

    return Read(VISIT_TOTALS_SQL, params, totals)


@reader
def visits_per_day(centre_ids, first, last):
    """Return {date: {"staffed": n, "user_run": n}} for every day of the period."""

    def per_day(cursor):
        result = {
            first + datetime.timedelta(days=i): {"staffed": 0, "user_run": 0}
            for i in range((last - first).days + 1)
        }
        for date, kind, n in cursor.fetchall():
            result[date][kind] += n
        return result

    # Hand-written, as the dashboard's other reads of the summaries: the ORM took twice
    # as long to compose the statement as the database to run it.
    return Read(
        "SELECT date, kind, sum(visits) FROM centres_visitday "
        "WHERE centre_id = ANY(%s) AND date >= %s AND date <= %s GROUP BY 1, 2",
        [list(centre_ids), first, last],
        per_day,
    )


def per_week(per_day):
    """Fold {date: {kind: n}} into {monday: {kind: n}}."""
    weeks = {}
    for date, counts in per_day.items():
        week = weeks.setdefault(week_start(date), dict.fromkeys(counts, 0))
        for kind, n in counts.items():
            week[kind] += n
    return weeks


def visits_per_centre(centre_ids, first, last):
    """Return {centre id: visits} over the period (centres without visits left out)."""
    return dict(
        VisitDay.objects.filter(centre_id__in=centre_ids, date__gte=first, date__lte=last)
        .values("centre_id")
        .annotate(n=Sum("visits"))
        .order_by()
        .values_list("centre_id", "n")
    )


def visits_per_centre_week(centre_ids, first, last):
    """Return {(centre id, monday): visits} over the period. One query."""
    rows = (
        VisitDay.objects.filter(centre_id__in=centre_ids, date__gte=first, date__lte=last)
        .annotate(week=TruncWeek("date"))
        .values("centre_id", "week")
        .annotate(n=Sum("visits"))
        .order_by()
        .values_list("centre_id", "week", "n")
    )
    return {(centre_id, week): n for centre_id, week, n in rows}


# Whole months of the period come from the monthly heat map, the days at either end that
# make only part of a month from the tallies themselves.
HEAT_FROM_MONTHS = """
SELECT weekday, hour, visits FROM centres_visitheat
WHERE centre_id = ANY(%(ids)s) AND month >= %(first_month)s AND month < %(end_month)s
"""
HEAT_FROM_TALLIES = """
SELECT (extract(isodow FROM date) - 1)::smallint AS weekday, hour, visits
FROM centres_visitcount
WHERE centre_id = ANY(%(ids)s) AND hour IS NOT NULL AND date >= %({0})s AND date < %({1})s
"""


def whole_months(first, last):
    """Return (first month, month after the last) of the months wholly inside the dates;
    the two are equal when there are none."""
    first_month = (
        first
        if first.day == 1
        else (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    )
    after_last = last + datetime.timedelta(days=1)
    end_month = after_last.replace(day=1)
    return first_month, max(first_month, end_month)


def heat_map_query(centre_ids, first, last):
    """The SQL and parameters of `heat_map`: whole months from the heat-map summary, the
    days that make only part of a month from the tallies."""
    first_month, end_month = whole_months(first, last)
    after_last = last + datetime.timedelta(days=1)
    params = {
        "ids": list(centre_ids),
        "first": first,
        "after_last": after_last,
        "first_month": first_month,
        "end_month": end_month,
    }
    parts = []
    if first_month < end_month:
        parts.append(HEAT_FROM_MONTHS)
        if first < first_month:
            parts.append(HEAT_FROM_TALLIES.format("first", "first_month"))
        if end_month < after_last:
            parts.append(HEAT_FROM_TALLIES.format("end_month", "after_last"))
    else:
        parts.append(HEAT_FROM_TALLIES.format("first", "after_last"))
    sql = f"SELECT weekday, hour, sum(visits) FROM ({' UNION ALL '.join(parts)}) AS cells "
    return sql + "GROUP BY 1, 2", params


@reader
def heat_map(centre_ids, first, last):
    """Return {(weekday, hour): visits} of tallies with an hour (day totals have none).
    One query."""
    return Read(
        *heat_map_query(centre_ids, first, last),
        lambda cursor: {(weekday, hour): n for weekday, hour, n in cursor.fetchall()},
    )


def census_at(centre_ids, date):
    """Return the sum over centres of each one's latest census on or before `date`:
    {"weekly", "monthly", "occasional", "total", "centres"} (zeros when none)."""
    return census_at_dates(centre_ids, [date])[0]


# Each centre's latest census on or before a date, per date: a DISTINCT ON per date, so
# each is planned with its date known.
CENSUS_AT_SQL = """
(SELECT DISTINCT ON (centre_id) {i} AS i, weekly, monthly, occasional FROM centres_census
WHERE centre_id = ANY(%(ids)s::bigint[]) AND date <= %(date_{i})s
ORDER BY centre_id, date DESC)
"""


@reader
def census_at_dates(centre_ids, dates):
    """Return census_at of each of `dates`, in their order. One query."""
    latest = " UNION ALL ".join(CENSUS_AT_SQL.format(i=i) for i in range(len(dates)))
    params = {"ids": list(centre_ids), **{f"date_{i}": date for i, date in enumerate(dates)}}

    def sums(cursor):
        result = [{"weekly": 0, "monthly": 0, "occasional": 0, "centres": 0} for _date in dates]
        for i, weekly, monthly, occasional, centres in cursor.fetchall():
            result[i].update(weekly=weekly, monthly=monthly, occasional=occasional, centres=centres)
        for figures in result:
            figures["total"] = figures["weekly"] + figures["monthly"] + figures["occasional"]
        return result

    return Read(
        "SELECT i, sum(weekly), sum(monthly), sum(occasional), count(*) "
        f"FROM ({latest}) AS latest GROUP BY i",
        params,
        sums,
    )


@reader
def census_trend(centre_ids, first, last):
    """Return [(date, total)] of the censuses taken from `first` to `last`, summed per day."""
    return Read(
        "SELECT date, sum(weekly + monthly + occasional) FROM centres_census "
        "WHERE centre_id = ANY(%s) AND date >= %s AND date <= %s GROUP BY 1 ORDER BY 1",
        [list(centre_ids), first, last],
    )


def census_per_centre(centre_ids, date):
    """Return {centre id: latest census on or before `date`} (a Census)."""
    return {
        c.centre_id: c
        for c in Census.objects.filter(centre_id__in=centre_ids, date__lte=date)
        .order_by("centre_id", "-date")
        .distinct("centre_id")
    }


# The opening rules are the SQL functions of migration 0028: centres_openings (every
# opening with its kind and hours), centres_staffed_openings (the fewest qualified staff
# during each staffed opening) and centres_opening_months (both per month).
HOURS_PER_WEEK_SQL = """
SELECT centre_id, date_trunc('week', day)::date AS week, kind, sum(hours)
FROM centres_openings(%(ids)s::bigint[], %(first)s::date, %(last)s::date)
GROUP BY 1, 2, 3
"""
UNDERSTAFFED_SQL = """
SELECT count(*) FROM centres_staffed_openings(%(ids)s::bigint[], %(first)s::date, %(last)s::date)
WHERE staff < 2
"""
# Hours by kind and the understaffed count of the days, worked out directly; `{i}` tells
# the spans of one statement apart.
OPENING_DAYS_SQL = """
SELECT coalesce(sum(staffed), 0), coalesce(sum(user_run), 0), coalesce(sum(maybe), 0),
       coalesce(sum(understaffed), 0)
FROM centres_opening_months(%(ids)s::bigint[], %(first{i})s::date, %(last{i})s::date)
"""
OPENING_FIGURES_SQL = OPENING_DAYS_SQL.format(i="")


def _slot_params(centre_ids, first, last):
    from centres.openings import local_datetime

    return {
        "ids": list(centre_ids),
        "first": first,
        "last": last,
        "start": local_datetime(first, datetime.time()),
        "end": local_datetime(last + datetime.timedelta(days=1), datetime.time()),
        "tz": timezone.get_current_timezone_name(),
    }


def opening_hours_per_centre_week(centre_ids, first, last):
    """Return {(centre id, monday): {kind: hours}} of the openings on the days of the
    period (weeks cut at the period's ends). One query."""
    weeks = {}
    with connection.cursor() as cursor:
        cursor.execute(HOURS_PER_WEEK_SQL, _slot_params(centre_ids, first, last))
        for centre_id, week, kind, hours in cursor.fetchall():
            hours_of = weeks.setdefault((centre_id, week), dict.fromkeys(OpeningKind.values, 0.0))
            hours_of[kind] += float(hours)
    return weeks


def opening_hours_per_week(centre_ids, first, last):
    """Return {monday: {kind: hours}} of the openings on the days of the period."""
    weeks = {}
    for (_centre, week), hours in opening_hours_per_centre_week(centre_ids, first, last).items():
        total = weeks.setdefault(week, dict.fromkeys(OpeningKind.values, 0.0))
        for kind, n in hours.items():
            total[kind] += n
    return weeks


def opening_hours_totals(centre_ids, first, last):
    """Return {kind: hours} of the openings on the days of the period."""
    totals = dict.fromkeys(OpeningKind.values, 0.0)
    for hours in opening_hours_per_week(centre_ids, first, last).values():
        for kind, n in hours.items():
            totals[kind] += n
    return totals


@reader
def opening_figures(centre_ids, first, last):
    """Return ({kind: hours}, understaffed count) for the period: whole months from the
    monthly summary (OpeningMonth; months it does not hold worked out directly), the days
    of part months at either end worked out directly. One query."""
    params = {"ids": list(centre_ids)}
    parts, spans = [], [(first, last)]
    first_month, end_month = whole_months(first, last)
    if first_month < end_month:
        params |= {"first_month": first_month, "end_month": end_month}
        parts.append(f"({OPENING_MONTHS_SQL})")
        spans = [(a, b) for a, b in ((first, first_month - ONE_DAY), (end_month, last)) if a <= b]
    for i, (a, b) in enumerate(spans):
        params |= {f"first{i}": a, f"last{i}": b}
        parts.append(f"({OPENING_DAYS_SQL.format(i=i)})")
    return Read(
        "SELECT sum(staffed), sum(user_run), sum(maybe), sum(understaffed) "
        f"FROM ({' UNION ALL '.join(parts)}) AS parts (staffed, user_run, maybe, understaffed)",
        params,
        lambda cursor: _figures(cursor.fetchone()),
    )


def _figures(row):
    staffed, user_run, maybe, understaffed = row
    hours = {
        OpeningKind.STAFFED: float(staffed),
        OpeningKind.USER_RUN: float(user_run),
        OpeningKind.MAYBE: float(maybe),
    }
    return hours, int(understaffed)


def _opening_figures_direct(centre_ids, first, last):
    with connection.cursor() as cursor:
        cursor.execute(OPENING_FIGURES_SQL, _slot_params(centre_ids, first, last))
        return _figures(cursor.fetchone())


ONE_DAY = datetime.timedelta(days=1)

# The months kept in the summary, and those it does not hold (a month not yet ended, a
# centre's months before its first weekly hours) worked out in the same statement.
OPENING_MONTHS_SQL = """
WITH wanted AS (
    SELECT DISTINCT c.id AS centre_id, m::date AS month
    FROM unnest(%(ids)s::bigint[]) AS c (id),
         generate_series(%(first_month)s::date, %(end_month)s::date - 1, interval '1 month')
             AS m
),
kept AS (
    SELECT o.centre_id, o.month, o.staffed, o.user_run, o.maybe, o.understaffed
    FROM centres_openingmonth o
    WHERE o.centre_id = ANY(%(ids)s) AND o.month >= %(first_month)s
      AND o.month < %(end_month)s
),
missing AS (
    SELECT w.centre_id, w.month FROM wanted w
    WHERE NOT EXISTS (
        SELECT 1 FROM kept k WHERE k.centre_id = w.centre_id AND k.month = w.month
    )
),
span AS (
    SELECT array_agg(DISTINCT centre_id) AS ids, min(month) AS first,
           (max(month) + interval '1 month' - interval '1 day')::date AS last
    FROM missing
),
worked_out AS (
    SELECT r.centre_id, r.month, r.staffed, r.user_run, r.maybe, r.understaffed
    FROM span
    CROSS JOIN LATERAL centres_opening_months(span.ids, span.first, span.last) AS r
    JOIN missing mi ON mi.centre_id = r.centre_id AND mi.month = r.month
    WHERE span.ids IS NOT NULL
)
SELECT coalesce(sum(staffed), 0), coalesce(sum(user_run), 0), coalesce(sum(maybe), 0),
       coalesce(sum(understaffed), 0)
FROM (SELECT * FROM kept UNION ALL SELECT * FROM worked_out) AS months
"""


def keep_opening_months(today):
    """Add to the summary every month before `today`'s that it lacks, from the month of
    each centre's first weekly hours (centres_keep_opening_months); how many were added.
    Run nightly, so the month that has just ended is kept from its first night."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT centres_keep_opening_months(%s)", [today.replace(day=1)])
        return cursor.fetchone()[0]


def understaffed_count(centre_ids, first, last):
    """How many staffed openings of the period had fewer than two staff at some moment."""
    with connection.cursor() as cursor:
        cursor.execute(UNDERSTAFFED_SQL, _slot_params(centre_ids, first, last))
        return cursor.fetchone()[0]


def opening_hours_changes(centre_ids, first, last):
    """Opening hours that started or ended in the period, dated, oldest first."""
    return (
        OpeningHours.objects.filter(centre_id__in=centre_ids)
        .filter(
            Q(valid_from__gte=first, valid_from__lte=last)
            | Q(valid_until__gte=first, valid_until__lte=last)
        )
        .select_related("centre")
        .order_by("valid_from", "centre__name", "weekday", "starts")
    )


def key_figures(centre_ids, organisation_id):
    """Return statements of one row each, to run with others (centres.reads.one_statement),
    of "fobs_out": fobs opening one of the centres that are lent out now, and
    "holders_without_briefing": active key holders of the organisation who hold such a fob
    and were never given the safety briefing."""
    # Hand-written: composed with the ORM, the two took longer to build than to run.
    return [
        (
            "SELECT count(DISTINCT l.fob_id) AS fobs_out, count(DISTINCT h.id) FILTER ("
            "  WHERE h.organisation_id = %s AND h.active AND h.safety_briefing IS NULL"
            ") AS holders_without_briefing "
            "FROM centres_keyloan l JOIN centres_keyfob f ON f.id = l.fob_id "
            "JOIN centres_keyholder h ON h.id = l.holder_id "
            "WHERE l.returned IS NULL AND f.organisation_id = %s AND EXISTS ("
            "  SELECT 1 FROM centres_keyfob_centres fc "
            "  WHERE fc.keyfob_id = f.id AND fc.centre_id = ANY(%s))",
            [organisation_id, organisation_id, list(centre_ids)],
        )
    ]
