"""Figures on activities and house meetings for a set of centres and dates.

A fixed number of queries whatever the number of centres or days. An activity held at
several of the centres counts once in the totals and once per centre in per-centre rows.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from activities.models import Meeting, MeetingKind
from centres.reads import Read, reader
from centres.summaries import moments, split

# Per activity of the centres, the occurrences of a period (the index `{period}` of the
# periods read together): planned, held (not cancelled and started before now),
# cancelled, held with attendance recorded, and its sum. Months that ended before today
# come from the summary (all their occurrences started before now), the other days from
# the occurrences.
COUNTED = """
SELECT {period} AS period, s.activity_id, s.planned, s.planned - s.cancelled AS held,
    s.cancelled, s.recorded, s.attendance
FROM activities_occurrencemonth AS s
WHERE s.month >= %(first_month_{period})s AND s.month < %(end_month_{period})s
    AND s.planned > 0
    AND EXISTS (SELECT FROM activities_activity_centres AS t
        WHERE t.activity_id = s.activity_id AND t.centre_id = ANY(%(centre_ids)s))
UNION ALL
SELECT {period}, o.activity_id, 1, (NOT o.cancelled AND o.start < %(now)s)::int,
    o.cancelled::int, (NOT o.cancelled AND o.start < %(now)s AND o.attendance IS NOT NULL)::int,
    CASE WHEN NOT o.cancelled AND o.start < %(now)s THEN coalesce(o.attendance, 0) ELSE 0 END
FROM activities_occurrence AS o
WHERE ({days})
    AND EXISTS (SELECT FROM activities_activity_centres AS t
        WHERE t.activity_id = o.activity_id AND t.centre_id = ANY(%(centre_ids)s))
"""

# Summed per activity first: a count of distinct activities per period would sort every
# row of the periods.
TOTALS = """
SELECT period, sum(planned)::bigint, sum(held)::bigint, sum(cancelled)::bigint,
    sum(attendance)::numeric / nullif(sum(recorded), 0), count(*)
FROM (
    SELECT period, activity_id, sum(planned) AS planned, sum(held) AS held,
        sum(cancelled) AS cancelled, sum(recorded) AS recorded, sum(attendance) AS attendance
    FROM ({counted}) AS counted
    GROUP BY period, activity_id
) AS per_activity
GROUP BY period
"""

BEST_ATTENDED = """
SELECT counted.activity_id, a.title, sum(counted.attendance)::bigint, sum(counted.recorded)::bigint
FROM ({counted}) AS counted
JOIN activities_activity AS a ON a.id = counted.activity_id
GROUP BY counted.activity_id, a.title
HAVING sum(counted.recorded) > 0
ORDER BY 3 DESC, a.title, counted.activity_id
LIMIT %(limit)s
"""

PER_CENTRE = """
SELECT t.centre_id, count(DISTINCT counted.activity_id), sum(counted.planned)::bigint,
    sum(counted.held)::bigint
FROM ({counted}) AS counted
JOIN activities_activity_centres AS t
    ON t.activity_id = counted.activity_id AND t.centre_id = ANY(%(centre_ids)s)
GROUP BY t.centre_id
"""


def _counted(sql, centre_ids, periods, now, **params):
    """`sql` over COUNTED for each (first day, last day) of `periods` at the centres, with
    `now` deciding what was held: a Read of its rows."""
    now = now or timezone.now()
    counted = []
    for i, (first, last) in enumerate(periods):
        first_month, end_month, spans = split(first, last, ended_by=timezone.localdate(now))
        params[f"first_month_{i}"], params[f"end_month_{i}"] = first_month, end_month
        days = []
        for j, span in enumerate(spans):
            start, end = f"from_{i}_{j}", f"until_{i}_{j}"
            params[start], params[end] = moments(*span)
            days.append(f"(o.start >= %({start})s AND o.start < %({end})s)")
        counted.append(COUNTED.format(period=i, days=" OR ".join(days) or "false"))
    return Read(
        sql.format(counted=" UNION ALL ".join(counted)),
        {"centre_ids": list(centre_ids), "now": now, **params},
    )


def occurrence_totals(centre_ids, first, last, now=None):
    """Return {"planned", "held", "cancelled", "average_attendance", "activities"}.

    Held: not cancelled and already started. The average is over held occurrences whose
    attendance was recorded (None if there are none). One query.
    """
    return occurrence_totals_per_period(centre_ids, [(first, last)], now=now)[0]


@reader
def occurrence_totals_per_period(centre_ids, periods, now=None):
    """Return occurrence_totals of each (first day, last day) of `periods`, in their
    order. One query."""

    def per_period(rows):
        totals = [
            {"planned": 0, "held": 0, "cancelled": 0, "average_attendance": None, "activities": 0}
            for _period in periods
        ]
        for period, planned, held, cancelled, mean, activities in rows:
            totals[period] = {
                "planned": planned,
                "held": held,
                "cancelled": cancelled,
                "average_attendance": None if mean is None else float(mean),
                "activities": activities,
            }
        return totals

    return _counted(TOTALS, centre_ids, periods, now).then(per_period)


@reader
def best_attended(centre_ids, first, last, limit=5, now=None):
    """The `limit` activities with the most participants in the period: rows of
    {"title", "attendance", "held"}, ties broken by title. One query."""
    return _counted(BEST_ATTENDED, centre_ids, [(first, last)], now, limit=limit).then(
        lambda rows: [
            {"activity_id": pk, "activity__title": title, "attendance": attendance, "held": held}
            for pk, title, attendance, held in rows
        ]
    )


def per_centre(centre_ids, first, last, now=None):
    """Return {centre id: {"activities", "planned", "held"}} for the period. One query."""
    return {
        centre_id: {
            "centre_id": centre_id,
            "activities": activities,
            "planned": planned,
            "held": held,
        }
        for centre_id, activities, planned, held in _counted(
            PER_CENTRE, centre_ids, [(first, last)], now
        ).value()
    }


def house_meetings(centre_ids, first, last, now=None):
    """Return {centre id: {"held", "published"}} of house meetings in the period: held
    means its time has come, published that its minutes are out. One query."""
    now = now or timezone.now()
    rows = (
        Meeting.objects.filter(kind=MeetingKind.HOUSE, centre_id__in=centre_ids)
        .between(first, last + datetime.timedelta(days=1))
        .filter(starts_at__lt=now)
        .values("centre_id")
        .annotate(held=Count("pk"), published=Count("pk", filter=Q(published_at__isnull=False)))
        .order_by()
    )
    return {r["centre_id"]: {"held": r["held"], "published": r["published"]} for r in rows}
