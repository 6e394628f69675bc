"""The dashboard's figures in hand-written SQL, for `manage.py bench` only: the floor that
the page (ORM, Python and template) is measured against."""

import datetime

from django.db import connection

from centres.stats import (
    OPENING_FIGURES_SQL,
    OPENING_MONTHS_SQL,
    _slot_params,
    heat_map_query,
    whole_months,
)
from config.dashboard.periods import Period
from incidents.models import Kind, Severity

IN = "centre_id = ANY(%(ids)s)"
KIND_COUNTS = ", ".join(f"count(*) FILTER (WHERE kinds @> '[\"{k}\"]')" for k in Kind.values)
SEVERITY_COUNTS = ", ".join(f"count(*) FILTER (WHERE severity = '{s}')" for s in Severity.values)

PER_PERIOD = [
    # Visits by kind (from the daily summary kept by triggers, as the page does).
    f"""SELECT kind, sum(visits), sum(new_visits) FROM centres_visitday
        WHERE {IN} AND date BETWEEN %(first)s AND %(last)s GROUP BY kind""",
    # Latest census per centre.
    f"""SELECT sum(weekly), sum(monthly), sum(occasional) FROM (
          SELECT DISTINCT ON (centre_id) weekly, monthly, occasional FROM centres_census
          WHERE {IN} AND date <= %(last)s ORDER BY centre_id, date DESC) AS latest""",
    # Activities held, cancelled, average attendance.
    """SELECT count(*), count(*) FILTER (WHERE NOT cancelled AND start < %(now)s),
              count(*) FILTER (WHERE cancelled),
              avg(attendance) FILTER (WHERE NOT cancelled AND start < %(now)s),
              count(DISTINCT activity_id)
       FROM activities_occurrence o
       WHERE start >= %(start)s AND start < %(end)s AND EXISTS (
         SELECT 1 FROM activities_activity_centres ac
         WHERE ac.activity_id = o.activity_id AND ac.centre_id = ANY(%(ids)s))""",
    # Incidents by kind and severity.
    f"""SELECT count(*), {KIND_COUNTS}, {SEVERITY_COUNTS}
       FROM incidents_incident
       WHERE {IN} AND (occurred_at AT TIME ZONE %(tz)s)::date BETWEEN %(first)s AND %(last)s""",
    # Advice contacts by channel, helper, duration, outcome; topics; outreach meetings.
    f"""SELECT channel, helper_role, duration, outcome, new_to_service, count(*)
        FROM advice_contact WHERE {IN} AND date BETWEEN %(first)s AND %(last)s
        GROUP BY 1, 2, 3, 4, 5""",
    f"""SELECT ct.topic_id, count(*) FROM advice_contacttopic ct
        JOIN advice_contact c ON c.id = ct.contact_id
        WHERE c.{IN} AND c.date BETWEEN %(first)s AND %(last)s GROUP BY 1""",
    f"""SELECT date_trunc('month', date), count(*) FROM advice_contact
        WHERE {IN} AND date BETWEEN %(first)s AND %(last)s GROUP BY 1""",
    f"""SELECT month, sum(held), sum(no_show), sum(cancelled) FROM advice_meetingtally
        WHERE {IN} AND month BETWEEN date_trunc('month', %(first)s::date) AND %(last)s
        GROUP BY 1""",
]

ONCE = [
    f"""SELECT date, kind, sum(visits) FROM centres_visitday
        WHERE {IN} AND date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2""",
    f"""SELECT date, sum(weekly + monthly + occasional) FROM centres_census
        WHERE {IN} AND date BETWEEN %(last)s::date - 730 AND %(last)s GROUP BY 1""",
    """SELECT o.activity_id, a.title, sum(attendance), count(*) FROM activities_occurrence o
       JOIN activities_activity a ON a.id = o.activity_id
       WHERE start >= %(start)s AND start < %(end)s AND NOT cancelled AND start < %(now)s
         AND attendance IS NOT NULL AND EXISTS (
           SELECT 1 FROM activities_activity_centres ac
           WHERE ac.activity_id = o.activity_id AND ac.centre_id = ANY(%(ids)s))
       GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 5""",
    """SELECT count(*) FILTER (WHERE done_on IS NULL),
              count(*) FILTER (WHERE done_on IS NULL AND due_on < %(today)s)
       FROM incidents_followupitem f JOIN incidents_incident i ON i.id = f.incident_id
       WHERE i.centre_id = ANY(%(ids)s)""",
    f"""SELECT count(*) FROM incidents_incident WHERE {IN}
        AND (absence_first_day IS NOT NULL OR work_injury_case <> '')
        AND work_injury_reported_on IS NULL AND pseudonymised_at IS NULL""",
    f"""SELECT count(*) FROM incidents_ban WHERE organisation_id = %(org)s
        AND (scope = 'organisation' OR {IN}) AND starts_on <= %(today)s AND ends_on >= %(today)s""",
    """SELECT count(*) FROM centres_centre c WHERE c.id = ANY(%(ids)s) AND coalesce((
         SELECT review_on FROM incidents_riskassessment r WHERE r.centre_id = c.id
         ORDER BY assessed_on DESC, id DESC LIMIT 1) < %(today)s, true)""",
    """SELECT count(DISTINCT l.fob_id), count(DISTINCT h.id) FILTER (
              WHERE h.active AND h.safety_briefing IS NULL)
       FROM centres_keyloan l
       JOIN centres_keyfob f ON f.id = l.fob_id
       JOIN centres_keyfob_centres fc ON fc.keyfob_id = f.id
       JOIN centres_keyholder h ON h.id = l.holder_id
       WHERE l.returned IS NULL AND f.organisation_id = %(org)s AND fc.centre_id = ANY(%(ids)s)""",
]


def params(centre_ids, organisation_id, period, now, today):
    base = _slot_params(centre_ids, period.start, period.end)
    return {
        **base,
        "org": organisation_id,
        "now": now,
        "today": today,
        "start": base["start"],
        "end": base["end"],
    }


def opening_statements(centre_ids, period):
    """Opening hours and the two-staff rule as the page reads them: whole months from the
    monthly summary, the days of part months worked out."""
    first_month, end_month = whole_months(period.start, period.end)
    if first_month == end_month:
        return [(OPENING_FIGURES_SQL, _slot_params(centre_ids, period.start, period.end))]
    day = datetime.timedelta(days=1)
    statements = [
        (
            OPENING_MONTHS_SQL,
            {"ids": list(centre_ids), "first_month": first_month, "end_month": end_month},
        )
    ]
    if period.start < first_month:
        edge = _slot_params(centre_ids, period.start, first_month - day)
        statements.append((OPENING_FIGURES_SQL, edge))
    if end_month <= period.end:
        statements.append((OPENING_FIGURES_SQL, _slot_params(centre_ids, end_month, period.end)))
    return statements


def run(centre_ids, organisation_id, period: Period, now, today):
    """Run every statement of the dashboard once for the period and once for a year
    earlier; return the number of statements."""
    statements = 0
    with connection.cursor() as cursor:
        for p in (period, period.year_earlier()):
            values = params(centre_ids, organisation_id, p, now, today)
            for sql in PER_PERIOD:
                cursor.execute(sql, values)
                cursor.fetchall()
                statements += 1
            for sql, opening_params in opening_statements(centre_ids, p):
                cursor.execute(sql, opening_params)
                cursor.fetchall()
                statements += 1
        values = params(centre_ids, organisation_id, period, now, today)
        for sql in ONCE:
            cursor.execute(sql, values)
            cursor.fetchall()
            statements += 1
        # The heat map, from the monthly summary and the days of part months.
        cursor.execute(*heat_map_query(centre_ids, period.start, period.end))
        cursor.fetchall()
        statements += 1
    return statements
