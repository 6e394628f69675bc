"""Figures on visits, opening hours, staffing and keys for a set of centres and dates.

Each function is a fixed number of queries whatever the number of centres or days, and
takes centre ids (already scoped by the caller) and dates (inclusive).
"""

import datetime

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from centres.calendar_days import danish_holidays, week_start
from centres.models import (
    Census,
    KeyHolder,
    KeyLoan,
    OpeningHours,
    OpeningKind,
    VisitDay,
    VisitKind,
)


def visit_totals(centre_ids, first, last):
    """Return {"staffed", "user_run", "visits", "new_visits"} summed over the period."""
    rows = (
        VisitDay.objects.filter(centre_id__in=centre_ids, date__gte=first, date__lte=last)
        .values("kind")
        .annotate(visits=Sum("visits"), new=Sum("new_visits"))
        .order_by()
    )
    totals = {VisitKind.STAFFED: 0, VisitKind.USER_RUN: 0, "visits": 0, "new_visits": 0}
    for row in rows:
        totals[row["kind"]] += row["visits"]
        totals["visits"] += row["visits"]
        totals["new_visits"] += row["new"]
    return {
        "staffed": totals[VisitKind.STAFFED],
        "user_run": totals[VisitKind.USER_RUN],
        "visits": totals["visits"],
        "new_visits": totals["new_visits"],
    }


def visits_per_day(centre_ids, first, last):
    """Return {date: {"staffed": n, "user_run": n}} for every day of the period."""
    result = {
        first + datetime.timedelta(days=i): {"staffed": 0, "user_run": 0}
        for i in range((last - first).days + 1)
    }
    rows = (
        VisitDay.objects.filter(centre_id__in=centre_ids, date__gte=first, date__lte=last)
        .values("date", "kind")
        .annotate(n=Sum("visits"))
        .order_by()
    )
    for row in rows:
        result[row["date"]][row["kind"]] += row["n"]
    return result


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


def heat_map(centre_ids, first, last):
    """Return {(weekday, hour): visits} of tallies with an hour (day totals have none).
    One query."""
    with connection.cursor() as cursor:
        cursor.execute(*heat_map_query(centre_ids, first, last))
        return {(weekday, hour): n for weekday, hour, n in cursor.fetchall()}


def census_at(centre_ids, date):
    """Return the sum over centres of each one's latest census on or before `date`:
    {"weekly", "monthly", "occasional", "total", "centres"} (zeros when none)."""
    latest = (
        Census.objects.filter(centre_id__in=centre_ids, date__lte=date)
        .order_by("centre_id", "-date")
        .distinct("centre_id")
        .values("weekly", "monthly", "occasional")
    )
    result = {"weekly": 0, "monthly": 0, "occasional": 0, "centres": 0}
    for row in latest:
        for key in ("weekly", "monthly", "occasional"):
            result[key] += row[key]
        result["centres"] += 1
    result["total"] = result["weekly"] + result["monthly"] + result["occasional"]
    return result


def census_trend(centre_ids, first, last):
    """Return [(date, total)] of the censuses taken from `first` to `last`, summed per day."""
    rows = (
        Census.objects.filter(centre_id__in=centre_ids, date__gte=first, date__lte=last)
        .values("date")
        .annotate(weekly=Sum("weekly"), monthly=Sum("monthly"), occasional=Sum("occasional"))
        .order_by("date")
    )
    return [(r["date"], r["weekly"] + r["monthly"] + r["occasional"]) for r in rows]


def census_per_centre(centre_ids, date):
    """Return {centre id: latest census on or before `date`} (a Census)."""
    return {
        c.centre_id: c
        for c in Census.objects.filter(centre_id__in=centre_ids, date__lte=date)
        .order_by("centre_id", "-date")
        .distinct("centre_id")
    }


# The weekly slots of the period, on days the centre is not closed (see openings.py), of
# the kind a day's change (OpeningKindChange) gives them:
# a closure or a public holiday closes a day unless an open day reopens it. A planned
# user-run opening at exactly a user-run or maybe-open slot replaces it, and so does a
# second one planned at exactly the same times: it is the same opening.
SLOTS_SQL = """
WITH days AS (
    SELECT day::date AS day
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS day
),
slots AS (
    SELECT h.centre_id, coalesce(k.kind, h.kind) AS kind, days.day,
           (days.day + h.starts) AT TIME ZONE %(tz)s AS slot_start,
           (days.day + h.ends) AT TIME ZONE %(tz)s AS slot_end,
           EXTRACT(EPOCH FROM (h.ends - h.starts)) / 3600.0 AS hours
    FROM centres_openinghours h
    JOIN days ON EXTRACT(ISODOW FROM days.day) - 1 = h.weekday
        AND h.valid_from <= days.day
        AND (h.valid_until IS NULL OR h.valid_until >= days.day)
    LEFT JOIN centres_openingkindchange k ON k.centre_id = h.centre_id AND k.date = days.day
        AND k.starts = h.starts AND k.ends = h.ends
    WHERE h.centre_id = ANY(%(ids)s)
      AND (
        NOT (days.day = ANY(%(holidays)s::date[]) OR EXISTS (
            SELECT 1 FROM centres_closure c
            WHERE c.centre_id = h.centre_id AND c.starts <= days.day AND c.ends >= days.day
        ))
        OR EXISTS (
            SELECT 1 FROM centres_openday o WHERE o.centre_id = h.centre_id AND o.date = days.day
        )
      )
),
fillable AS (
    SELECT DISTINCT centre_id, slot_start, slot_end FROM slots WHERE kind <> 'staffed'
),
runs AS (
    SELECT DISTINCT ON (r.centre_id, r.starts, r.ends) r.centre_id, r.starts, r.ends,
           (r.starts AT TIME ZONE %(tz)s)::date AS day,
           EXTRACT(EPOCH FROM (r.ends - r.starts)) / 3600.0 AS hours,
           f.centre_id IS NOT NULL AS fills_slot
    FROM centres_userrunopening r
    LEFT JOIN fillable f
        ON f.centre_id = r.centre_id AND f.slot_start = r.starts AND f.slot_end = r.ends
    WHERE r.centre_id = ANY(%(ids)s) AND r.starts >= %(start)s AND r.starts < %(end)s
)
"""

# Every opening of the period as (centre_id, day, kind, hours): the slots not replaced by
# a planned user-run opening, and the planned openings.
OPENINGS = """
    SELECT s.centre_id, s.day, s.kind, s.hours FROM slots s
    WHERE NOT (s.kind <> 'staffed' AND EXISTS (
        SELECT 1 FROM runs r WHERE r.fills_slot AND r.centre_id = s.centre_id
          AND r.starts = s.slot_start AND r.ends = s.slot_end
    ))
    UNION ALL
    SELECT r.centre_id, r.day, 'user_run', r.hours FROM runs r
"""

OPENINGS_BY_WEEK = f"""
SELECT centre_id, date_trunc('week', day)::date AS week, kind, sum(hours)
FROM ({OPENINGS}) AS openings
GROUP BY 1, 2, 3
"""

# The fewest qualified staff present during each staffed opening (centres.staffing): the
# one-off shifts and the rota's shifts of the day, less those of people absent that day
# and of people whose qualification does not count for the two-staff rule. By a sweep
# over the starts (+1) and ends (-1) of the shifts clipped to it: after all changes at a
# moment, the running sum is who is there until the next change. Nobody works two shifts
# at once (exclusion constraints, and the forms refuse a one-off shift over a rota
# shift), so the sum counts distinct people.
STAFF_PRESENT = """
, staffed AS (
    SELECT centre_id, slot_start, slot_end FROM slots WHERE kind = 'staffed'
),
planned AS (
    SELECT centre_id, worker_id, starts, ends, (starts AT TIME ZONE %(tz)s)::date AS day
    FROM centres_shift
    WHERE centre_id = ANY(%(ids)s) AND ends > %(start)s - interval '1 day'
      AND starts < %(end)s + interval '1 day'
    UNION ALL
    SELECT r.centre_id, r.worker_id, (days.day + r.starts) AT TIME ZONE %(tz)s,
           (days.day + r.ends) AT TIME ZONE %(tz)s, days.day
    FROM centres_rotashift r
    JOIN days ON EXTRACT(ISODOW FROM days.day) - 1 = r.weekday
        AND r.valid_from <= days.day
        AND (r.valid_until IS NULL OR r.valid_until >= days.day)
    WHERE r.centre_id = ANY(%(ids)s)
),
shifts AS (
    SELECT p.centre_id, p.starts, p.ends FROM planned p
    JOIN centres_user u ON u.id = p.worker_id
    JOIN centres_centre c ON c.id = p.centre_id
    JOIN centres_organisation org ON org.id = c.organisation_id
    WHERE u.qualification = ANY(org.qualifications_for_two_staff)
      AND NOT EXISTS (
        SELECT 1 FROM centres_staffabsence a
        WHERE a.worker_id = p.worker_id AND a.first_day <= p.day AND a.last_day >= p.day
      )
),
changes AS (
    SELECT o.centre_id, o.slot_start, o.slot_end, o.slot_start AS moment, 0 AS delta
    FROM staffed o
    UNION ALL
    SELECT o.centre_id, o.slot_start, o.slot_end, greatest(sh.starts, o.slot_start), 1
    FROM staffed o JOIN shifts sh ON sh.centre_id = o.centre_id
        AND sh.starts < o.slot_end AND sh.ends > o.slot_start
    UNION ALL
    SELECT o.centre_id, o.slot_start, o.slot_end, sh.ends, -1
    FROM staffed o JOIN shifts sh ON sh.centre_id = o.centre_id
        AND sh.starts < o.slot_end AND sh.ends > o.slot_start AND sh.ends < o.slot_end
),
per_moment AS (
    SELECT centre_id, slot_start, moment, sum(delta) AS delta
    FROM changes GROUP BY centre_id, slot_start, moment
),
present AS (
    SELECT centre_id, slot_start,
           sum(delta) OVER (PARTITION BY centre_id, slot_start ORDER BY moment) AS staff
    FROM per_moment
),
understaffed AS (
    SELECT count(*) AS n FROM (
        SELECT centre_id, slot_start FROM present
        GROUP BY centre_id, slot_start HAVING min(staff) < 2
    ) AS flagged
)
"""

HOURS_PER_WEEK_SQL = SLOTS_SQL + OPENINGS_BY_WEEK
UNDERSTAFFED_SQL = SLOTS_SQL + STAFF_PRESENT + "SELECT n FROM understaffed"
# Both in one statement, so the slots are worked out once: the understaffed count comes
# as an extra row of kind "understaffed".
OPENING_FIGURES_SQL = (
    SLOTS_SQL
    + STAFF_PRESENT
    + OPENINGS_BY_WEEK
    + "UNION ALL SELECT NULL, NULL, 'understaffed', n FROM understaffed"
)


def _slot_params(centre_ids, first, last):
    from centres.openings import local_datetime

    return {
        "ids": list(centre_ids),
        "first": first,
        "last": last,
        "start": local_datetime(first, datetime.time()),
        "end": local_datetime(last + datetime.timedelta(days=1), datetime.time()),
        "tz": timezone.get_current_timezone_name(),
        "holidays": list(danish_holidays(first, last)),
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


def opening_figures(centre_ids, first, last):
    """Return ({kind: hours}, understaffed count) for the period: whole months from the
    monthly summary (worked out and kept when missing), the days of part months at either
    end worked out directly. At most three queries while the summary holds the months."""
    totals = dict.fromkeys(OpeningKind.values, 0.0)
    understaffed = 0
    first_month, end_month = whole_months(first, last)
    if first_month < end_month:
        parts = [opening_months(centre_ids, first_month, end_month)]
        if first < first_month:
            parts.append(_opening_figures_direct(centre_ids, first, first_month - ONE_DAY))
        if end_month <= last:
            parts.append(_opening_figures_direct(centre_ids, end_month, last))
    else:
        parts = [_opening_figures_direct(centre_ids, first, last)]
    for hours, flags in parts:
        for kind, n in hours.items():
            totals[kind] += n
        understaffed += flags
    return totals, understaffed


def _opening_figures_direct(centre_ids, first, last):
    totals = dict.fromkeys(OpeningKind.values, 0.0)
    understaffed = 0
    with connection.cursor() as cursor:
        cursor.execute(OPENING_FIGURES_SQL, _slot_params(centre_ids, first, last))
        for _centre, _week, kind, hours in cursor.fetchall():
            if kind == "understaffed":
                understaffed = int(hours)
            else:
                totals[kind] += float(hours)
    return totals, understaffed


ONE_DAY = datetime.timedelta(days=1)
# The first key of the advisory locks that keep a month being worked out from a change to
# the rules behind it (the triggers of migration 0009 take the same lock, shared).
OPENING_MONTH_LOCK = 79770

OPENING_MONTHS_SQL = """
SELECT count(*), coalesce(sum(staffed), 0), coalesce(sum(user_run), 0),
       coalesce(sum(maybe), 0), coalesce(sum(understaffed), 0)
FROM centres_openingmonth
WHERE centre_id = ANY(%(ids)s) AND month >= %(first_month)s AND month < %(end_month)s
"""

MISSING_MONTHS_SQL = """
SELECT centre_id, min(month), max(month) FROM (
    SELECT centre_id, month::date AS month
    FROM unnest(%(ids)s::bigint[]) AS centre_id,
         generate_series(%(first_month)s::date, %(end_month)s::date - 1, interval '1 month')
             AS month
) AS wanted
WHERE NOT EXISTS (
    SELECT 1 FROM centres_openingmonth o
    WHERE o.centre_id = wanted.centre_id AND o.month = wanted.month
)
GROUP BY centre_id
"""

LOCK_CENTRES_SQL = f"""
SELECT coalesce(bool_and(pg_try_advisory_xact_lock({OPENING_MONTH_LOCK}, id::int)), true)
FROM (SELECT DISTINCT unnest(%s::bigint[]) AS id ORDER BY 1) AS centres
"""

# Every month of every centre named, zeros included, so a missing row always means "not
# worked out yet".
FILL_OPENING_MONTHS_SQL = (
    SLOTS_SQL
    + STAFF_PRESENT
    + f"""
, flagged AS (
    SELECT centre_id, date_trunc('month', slot_start AT TIME ZONE %(tz)s)::date AS month,
           count(*) AS n
    FROM (
        SELECT centre_id, slot_start FROM present
        GROUP BY centre_id, slot_start HAVING min(staff) < 2
    ) AS understaffed_openings
    GROUP BY 1, 2
),
hours AS (
    SELECT centre_id, date_trunc('month', day)::date AS month,
           sum(hours) FILTER (WHERE kind = 'staffed') AS staffed,
           sum(hours) FILTER (WHERE kind = 'user_run') AS user_run,
           sum(hours) FILTER (WHERE kind = 'maybe') AS maybe
    FROM ({OPENINGS}) AS openings
    GROUP BY 1, 2
),
months AS (
    SELECT centre_id, month::date AS month
    FROM unnest(%(ids)s::bigint[]) AS centre_id,
         generate_series(%(first_month)s::date, %(last_month)s::date, interval '1 month')
             AS month
)
INSERT INTO centres_openingmonth (centre_id, month, staffed, user_run, maybe, understaffed)
SELECT m.centre_id, m.month, coalesce(h.staffed, 0), coalesce(h.user_run, 0),
       coalesce(h.maybe, 0), coalesce(f.n, 0)
FROM months m
LEFT JOIN hours h ON h.centre_id = m.centre_id AND h.month = m.month
LEFT JOIN flagged f ON f.centre_id = m.centre_id AND f.month = m.month
ORDER BY 1, 2
ON CONFLICT DO NOTHING
"""
)


def opening_months(centre_ids, first_month, end_month):
    """({kind: hours}, understaffed count) of the whole months from `first_month` up to
    `end_month` (first days of months), from the summary; months not in it are worked
    out and kept first."""
    params = {"ids": list(centre_ids), "first_month": first_month, "end_month": end_month}
    with connection.cursor() as cursor:
        cursor.execute(OPENING_MONTHS_SQL, params)
        row = cursor.fetchone()
        months = (end_month.year - first_month.year) * 12 + end_month.month - first_month.month
        if row[0] < len(params["ids"]) * months:
            cursor.execute(MISSING_MONTHS_SQL, params)
            missing = cursor.fetchall()
            if missing and not _fill_opening_months(cursor, missing):
                # A change to these centres' rules is being saved right now: work the
                # months out without keeping them.
                return _opening_figures_direct(centre_ids, first_month, end_month - ONE_DAY)
            cursor.execute(OPENING_MONTHS_SQL, params)
            row = cursor.fetchone()
    _count, staffed, user_run, maybe, understaffed = row
    hours = {
        OpeningKind.STAFFED: float(staffed),
        OpeningKind.USER_RUN: float(user_run),
        OpeningKind.MAYBE: float(maybe),
    }
    return hours, int(understaffed)


def _fill_opening_months(cursor, missing):
    """Work out and keep the months (centre id, first month, last month) of `missing`;
    False, keeping nothing, when a change to one of the centres is not yet committed."""
    ids = sorted(centre_id for centre_id, _first, _last in missing)
    first = min(row[1] for row in missing)
    last = max(row[2] for row in missing)
    end = (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    with transaction.atomic():
        cursor.execute(LOCK_CENTRES_SQL, [ids])
        if not cursor.fetchone()[0]:
            return False
        params = {
            **_slot_params(ids, first, end - ONE_DAY),
            "first_month": first,
            "last_month": last,
        }
        cursor.execute(FILL_OPENING_MONTHS_SQL, params)
    return True


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


def keys(centre_ids, organisation_id):
    """Return {"fobs_out", "holders_without_briefing"}: fobs opening one of the centres
    that are lent out now, and active key holders of the organisation who hold such a
    fob and were never given the safety briefing. Two queries."""
    loans = KeyLoan.objects.open().filter(
        fob__organisation_id=organisation_id, fob__centres__in=centre_ids
    )
    holders = KeyHolder.objects.without_safety_briefing().filter(
        organisation_id=organisation_id, loans__in=loans
    )
    return {
        "fobs_out": loans.values("fob_id").distinct().count(),
        "holders_without_briefing": holders.distinct().count(),
    }
