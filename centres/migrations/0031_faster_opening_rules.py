import django.db.models.expressions
from django.db import migrations, models

# The opening rules of 0030, same results, planned for speed: the days closed by
# centres_closed_days worked out once and joined to the slots instead of asked per slot,
# a slot taken by a planned user-run opening found by a join, the staffed openings worked
# out once per call of centres_opening_months instead of twice, and the shifts found by
# their start: a shift that ends after a moment started no earlier than the longest shift
# before it (the index shift_length finds that length at once), so the (centre, starts)
# index reads only the days asked for rather than all of a centre's history. Each shift
# is matched only with the openings of the days it touches, absences by day with a hash,
# and the centres asked for are a set joined once rather than an array searched per row.
# centres_staffed_openings and centres_opening_months are PL/pgSQL so a session plans
# their query once and keeps the plan (the recount triggers call them centre by centre);
# centres_openings stays SQL, inlined into the caller's query. They run without JIT: the
# planner's guesses of rows from generate_series over-estimate their cost past the JIT
# threshold, and compiling took 35 ms of a 60 ms query for 400 centres and 4 days.
#
# The common parts are CTEs over the functions' own arguments (centre_ids, from_date,
# until_date), written once here.
TZ = "'Europe/Copenhagen'"

OPENINGS_CTES = f"""
ids AS MATERIALIZED (SELECT DISTINCT unnest(centre_ids) AS id),
days AS MATERIALIZED (
    SELECT d::date AS day, EXTRACT(ISODOW FROM d::date)::integer - 1 AS weekday
    FROM generate_series(from_date, until_date, interval '1 day') AS d
),
closed AS MATERIALIZED (
    SELECT cd.centre_id, cd.day FROM centres_closed_days(centre_ids, from_date, until_date) cd
),
slots AS MATERIALIZED (
    SELECT h.centre_id, coalesce(k.kind, h.kind) AS kind, days.day,
           (days.day + h.starts) AT TIME ZONE {TZ} AS slot_start,
           (days.day + h.ends) AT TIME ZONE {TZ} AS slot_end,
           EXTRACT(EPOCH FROM (h.ends - h.starts))::double precision / 3600 AS hours,
           h.id AS hours_id
    FROM days
    JOIN centres_openinghours h ON h.weekday = days.weekday
        AND h.valid_from <= days.day
        AND (h.valid_until IS NULL OR h.valid_until >= days.day)
    LEFT JOIN centres_openingkindchange k ON k.centre_id = h.centre_id AND k.date = days.day
        AND k.starts = h.starts AND k.ends = h.ends
    LEFT JOIN closed ON closed.centre_id = h.centre_id AND closed.day = days.day
    WHERE h.centre_id IN (SELECT ids.id FROM ids) AND closed.day IS NULL
)"""

# A planned user-run opening at exactly a user-run or maybe-open slot takes its place and
# gives the slot's weekly-hours row as its hours_id.
RUNS_CTES = f"""
fillable AS (
    SELECT s.centre_id, s.slot_start, s.slot_end, min(s.hours_id) AS hours_id
    FROM slots s WHERE s.kind <> 'staffed'
    GROUP BY s.centre_id, s.slot_start, s.slot_end
),
runs AS MATERIALIZED (
    SELECT DISTINCT ON (r.centre_id, r.starts, r.ends) r.centre_id, r.id, r.starts, r.ends,
           (r.starts AT TIME ZONE {TZ})::date AS day,
           EXTRACT(EPOCH FROM (r.ends - r.starts))::double precision / 3600 AS hours
    FROM centres_userrunopening r
    WHERE r.centre_id IN (SELECT ids.id FROM ids)
      AND r.starts >= from_date::timestamp AT TIME ZONE {TZ}
      AND r.starts < (until_date + 1)::timestamp AT TIME ZONE {TZ}
    ORDER BY r.centre_id, r.starts, r.ends, r.id
),
openings AS (
    SELECT s.centre_id, s.day, s.kind, s.slot_start AS starts, s.slot_end AS ends, s.hours,
           s.hours_id, NULL::bigint AS user_run_id
    FROM slots s
    LEFT JOIN runs r ON s.kind <> 'staffed' AND r.centre_id = s.centre_id
        AND r.starts = s.slot_start AND r.ends = s.slot_end
    WHERE r.id IS NULL
    UNION ALL
    SELECT r.centre_id, r.day, 'user_run', r.starts, r.ends, r.hours, f.hours_id, r.id
    FROM runs r
    LEFT JOIN fillable f
        ON f.centre_id = r.centre_id AND f.slot_start = r.starts AND f.slot_end = r.ends
)"""

# The staffed openings are the staffed slots: a user-run opening never takes their place.
STAFFED_CTES = f"""
staffed AS MATERIALIZED (
    SELECT s.centre_id, s.day, s.slot_start, s.slot_end FROM slots s WHERE s.kind = 'staffed'
),
-- A shift that ends after a moment started no earlier than the longest shift before it.
reach AS MATERIALIZED (
    SELECT (from_date - 1)::timestamp AT TIME ZONE {TZ}
           - coalesce((SELECT max(x.ends - x.starts) FROM centres_shift x), interval '0')
               AS earliest
),
planned AS (
    SELECT s.centre_id, s.worker_id, s.starts, s.ends,
           (s.starts AT TIME ZONE {TZ})::date AS day
    FROM centres_shift s
    WHERE s.centre_id IN (SELECT ids.id FROM ids)
      AND s.ends > (from_date - 1)::timestamp AT TIME ZONE {TZ}
      AND s.starts < (until_date + 2)::timestamp AT TIME ZONE {TZ}
      AND s.starts > (SELECT reach.earliest FROM reach)
    UNION ALL
    SELECT r.centre_id, r.worker_id, (days.day + r.starts) AT TIME ZONE {TZ},
           (days.day + r.ends) AT TIME ZONE {TZ}, days.day
    FROM centres_rotashift r
    JOIN days ON r.weekday = days.weekday
        AND r.valid_from <= days.day
        AND (r.valid_until IS NULL OR r.valid_until >= days.day)
    WHERE r.centre_id IN (SELECT ids.id FROM ids)
),
-- Who is absent on the days a shift may start.
absent AS MATERIALIZED (
    SELECT DISTINCT a.worker_id, d::date AS day
    FROM reach, centres_staffabsence a,
         generate_series(greatest(a.first_day, (reach.earliest AT TIME ZONE {TZ})::date),
                         least(a.last_day, until_date + 1), interval '1 day') AS d
    WHERE a.last_day >= (reach.earliest AT TIME ZONE {TZ})::date
      AND a.first_day <= until_date + 1
),
-- Each shift once for every local day it touches: an opening lies within its day, so
-- only the shifts of that day can overlap it.
shifts AS MATERIALIZED (
    SELECT p.centre_id, p.day + n AS day, p.starts, p.ends FROM planned p
    JOIN centres_user u ON u.id = p.worker_id
    JOIN centres_centre c ON c.id = p.centre_id
    JOIN centres_organisation org ON org.id = c.organisation_id
    CROSS JOIN generate_series(0, (p.ends AT TIME ZONE {TZ})::date - p.day) AS n
    WHERE u.qualification = ANY(org.qualifications_for_two_staff)
      AND NOT EXISTS (
        SELECT 1 FROM absent a WHERE a.worker_id = p.worker_id AND a.day = p.day
      )
),
meets AS MATERIALIZED (
    SELECT o.centre_id, o.slot_start, o.slot_end, sh.starts, sh.ends
    FROM staffed o JOIN shifts sh ON sh.centre_id = o.centre_id AND sh.day = o.day
        AND sh.starts < o.slot_end AND sh.ends > o.slot_start
),
changes AS (
    SELECT o.centre_id, o.slot_start, o.slot_start AS moment, 0 AS delta FROM staffed o
    UNION ALL
    SELECT v.centre_id, v.slot_start, greatest(v.starts, v.slot_start), 1 FROM meets v
    UNION ALL
    SELECT v.centre_id, v.slot_start, v.ends, -1 FROM meets v WHERE v.ends < v.slot_end
),
per_moment AS (
    SELECT ch.centre_id, ch.slot_start, ch.moment, sum(ch.delta) AS delta
    FROM changes ch GROUP BY ch.centre_id, ch.slot_start, ch.moment
),
present AS (
    SELECT pm.centre_id, pm.slot_start,
           sum(pm.delta) OVER (PARTITION BY pm.centre_id, pm.slot_start ORDER BY pm.moment)
               AS staff
    FROM per_moment pm
),
fewest AS (
    SELECT pr.centre_id, (pr.slot_start AT TIME ZONE {TZ})::date AS day, pr.slot_start,
           min(pr.staff)::bigint AS staff
    FROM present pr GROUP BY pr.centre_id, pr.slot_start
)"""

OPENINGS = f"""
CREATE OR REPLACE FUNCTION centres_openings(centre_ids bigint[], from_date date,
                                            until_date date)
RETURNS TABLE (centre_id bigint, day date, kind varchar, starts timestamptz,
               ends timestamptz, hours double precision, hours_id bigint,
               user_run_id bigint)
LANGUAGE sql STABLE AS $body$
WITH {OPENINGS_CTES},{RUNS_CTES}
SELECT o.centre_id, o.day, o.kind, o.starts, o.ends, o.hours, o.hours_id, o.user_run_id
FROM openings o
$body$;
"""

STAFFED = f"""
CREATE OR REPLACE FUNCTION centres_staffed_openings(centre_ids bigint[], from_date date,
                                                    until_date date)
RETURNS TABLE (centre_id bigint, day date, starts timestamptz, staff bigint)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT SET jit = off AS $body$
#variable_conflict use_column
BEGIN
RETURN QUERY WITH {OPENINGS_CTES},{STAFFED_CTES}
SELECT f.centre_id, f.day, f.slot_start, f.staff FROM fewest f;
END
$body$;
"""

MONTHS = f"""
CREATE OR REPLACE FUNCTION centres_opening_months(centre_ids bigint[], from_date date,
                                                  until_date date)
RETURNS TABLE (centre_id bigint, month date, staffed double precision,
               user_run double precision, maybe double precision, understaffed integer)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT SET jit = off AS $body$
#variable_conflict use_column
BEGIN
RETURN QUERY WITH {OPENINGS_CTES},{RUNS_CTES},{STAFFED_CTES},
hours AS (
    SELECT o.centre_id, date_trunc('month', o.day)::date AS month,
           sum(o.hours) FILTER (WHERE o.kind = 'staffed') AS staffed,
           sum(o.hours) FILTER (WHERE o.kind = 'user_run') AS user_run,
           sum(o.hours) FILTER (WHERE o.kind = 'maybe') AS maybe
    FROM openings o
    GROUP BY 1, 2
),
flagged AS (
    SELECT f.centre_id, date_trunc('month', f.day)::date AS month, count(*) AS n
    FROM fewest f
    WHERE f.staff < 2
    GROUP BY 1, 2
),
months AS (
    SELECT DISTINCT c.id AS centre_id, m::date AS month
    FROM unnest(centre_ids) AS c (id),
         generate_series(date_trunc('month', from_date), until_date, interval '1 month') AS m
)
SELECT m.centre_id, m.month, coalesce(h.staffed, 0), coalesce(h.user_run, 0),
       coalesce(h.maybe, 0), coalesce(f.n, 0)::integer
FROM months m
LEFT JOIN hours h ON h.centre_id = m.centre_id AND h.month = m.month
LEFT JOIN flagged f ON f.centre_id = m.centre_id AND f.month = m.month;
END
$body$;
"""

FUNCTIONS = OPENINGS + STAFFED + MONTHS

# Back to 0030: its centres_openings, and 0029's centres_staffed_openings and
# centres_opening_months, which read the openings from it.
OPENINGS_0030 = r"""
CREATE OR REPLACE FUNCTION centres_openings(centre_ids bigint[], from_date date,
                                            until_date date)
RETURNS TABLE (centre_id bigint, day date, kind varchar, starts timestamptz,
               ends timestamptz, hours double precision, hours_id bigint,
               user_run_id bigint)
LANGUAGE sql STABLE AS $body$
WITH days AS (
    SELECT d::date AS day FROM generate_series(from_date, until_date, interval '1 day') AS d
),
closed AS (
    SELECT cd.centre_id, cd.day FROM centres_closed_days(centre_ids, from_date, until_date) cd
),
slots AS (
    SELECT h.centre_id, coalesce(k.kind, h.kind) AS kind, days.day,
           (days.day + h.starts) AT TIME ZONE 'Europe/Copenhagen' AS slot_start,
           (days.day + h.ends) AT TIME ZONE 'Europe/Copenhagen' AS slot_end,
           EXTRACT(EPOCH FROM (h.ends - h.starts))::double precision / 3600 AS hours,
           h.id AS hours_id
    FROM centres_openinghours h
    JOIN days ON EXTRACT(ISODOW FROM days.day) - 1 = h.weekday
        AND h.valid_from <= days.day
        AND (h.valid_until IS NULL OR h.valid_until >= days.day)
    LEFT JOIN centres_openingkindchange k ON k.centre_id = h.centre_id AND k.date = days.day
        AND k.starts = h.starts AND k.ends = h.ends
    WHERE h.centre_id = ANY(centre_ids)
      AND NOT EXISTS (
        SELECT 1 FROM closed c WHERE c.centre_id = h.centre_id AND c.day = days.day
      )
),
fillable AS (
    SELECT s.centre_id, s.slot_start, s.slot_end, min(s.hours_id) AS hours_id
    FROM slots s WHERE s.kind <> 'staffed'
    GROUP BY s.centre_id, s.slot_start, s.slot_end
),
runs AS (
    SELECT DISTINCT ON (r.centre_id, r.starts, r.ends) r.centre_id, r.id, r.starts, r.ends,
           (r.starts AT TIME ZONE 'Europe/Copenhagen')::date AS day,
           EXTRACT(EPOCH FROM (r.ends - r.starts))::double precision / 3600 AS hours,
           f.hours_id, f.centre_id IS NOT NULL AS fills_slot
    FROM centres_userrunopening r
    LEFT JOIN fillable f
        ON f.centre_id = r.centre_id AND f.slot_start = r.starts AND f.slot_end = r.ends
    WHERE r.centre_id = ANY(centre_ids)
      AND r.starts >= from_date::timestamp AT TIME ZONE 'Europe/Copenhagen'
      AND r.starts < (until_date + 1)::timestamp AT TIME ZONE 'Europe/Copenhagen'
    ORDER BY r.centre_id, r.starts, r.ends, r.id
)
SELECT s.centre_id, s.day, s.kind, s.slot_start, s.slot_end, s.hours, s.hours_id,
       NULL::bigint
FROM slots s
WHERE NOT (s.kind <> 'staffed' AND EXISTS (
    SELECT 1 FROM runs r WHERE r.fills_slot AND r.centre_id = s.centre_id
      AND r.starts = s.slot_start AND r.ends = s.slot_end
))
UNION ALL
SELECT r.centre_id, r.day, 'user_run', r.starts, r.ends, r.hours, r.hours_id, r.id
FROM runs r
$body$;
"""

STAFFED_0029 = r"""
CREATE OR REPLACE FUNCTION centres_staffed_openings(centre_ids bigint[], from_date date,
                                         until_date date)
RETURNS TABLE (centre_id bigint, day date, starts timestamptz, staff bigint)
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $body$
WITH days AS (
    SELECT d::date AS day FROM generate_series(from_date, until_date, interval '1 day') AS d
),
staffed AS (
    SELECT o.centre_id, o.starts AS slot_start, o.ends AS slot_end
    FROM centres_openings(centre_ids, from_date, until_date) o WHERE o.kind = 'staffed'
),
planned AS (
    SELECT s.centre_id, s.worker_id, s.starts, s.ends,
           (s.starts AT TIME ZONE 'Europe/Copenhagen')::date AS day
    FROM centres_shift s
    WHERE s.centre_id = ANY(centre_ids)
      AND s.ends > (from_date - 1)::timestamp AT TIME ZONE 'Europe/Copenhagen'
      AND s.starts < (until_date + 2)::timestamp AT TIME ZONE 'Europe/Copenhagen'
    UNION ALL
    SELECT r.centre_id, r.worker_id, (days.day + r.starts) AT TIME ZONE 'Europe/Copenhagen',
           (days.day + r.ends) AT TIME ZONE 'Europe/Copenhagen', days.day
    FROM centres_rotashift r
    JOIN days ON EXTRACT(ISODOW FROM days.day) - 1 = r.weekday
        AND r.valid_from <= days.day
        AND (r.valid_until IS NULL OR r.valid_until >= days.day)
    WHERE r.centre_id = ANY(centre_ids)
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
    SELECT o.centre_id, o.slot_start, o.slot_start AS moment, 0 AS delta
    FROM staffed o
    UNION ALL
    SELECT o.centre_id, o.slot_start, greatest(sh.starts, o.slot_start), 1
    FROM staffed o JOIN shifts sh ON sh.centre_id = o.centre_id
        AND sh.starts < o.slot_end AND sh.ends > o.slot_start
    UNION ALL
    SELECT o.centre_id, o.slot_start, sh.ends, -1
    FROM staffed o JOIN shifts sh ON sh.centre_id = o.centre_id
        AND sh.starts < o.slot_end AND sh.ends > o.slot_start AND sh.ends < o.slot_end
),
per_moment AS (
    SELECT ch.centre_id, ch.slot_start, ch.moment, sum(ch.delta) AS delta
    FROM changes ch GROUP BY ch.centre_id, ch.slot_start, ch.moment
),
present AS (
    SELECT pm.centre_id, pm.slot_start,
           sum(pm.delta) OVER (PARTITION BY pm.centre_id, pm.slot_start ORDER BY pm.moment)
               AS staff
    FROM per_moment pm
)
SELECT pr.centre_id, (pr.slot_start AT TIME ZONE 'Europe/Copenhagen')::date, pr.slot_start,
       min(pr.staff)::bigint
FROM present pr GROUP BY pr.centre_id, pr.slot_start
$body$;
"""

MONTHS_0029 = r"""
CREATE OR REPLACE FUNCTION centres_opening_months(centre_ids bigint[], from_date date, until_date date)
RETURNS TABLE (centre_id bigint, month date, staffed double precision,
               user_run double precision, maybe double precision, understaffed integer)
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $body$
WITH hours AS (
    SELECT o.centre_id, date_trunc('month', o.day)::date AS month,
           sum(o.hours) FILTER (WHERE o.kind = 'staffed') AS staffed,
           sum(o.hours) FILTER (WHERE o.kind = 'user_run') AS user_run,
           sum(o.hours) FILTER (WHERE o.kind = 'maybe') AS maybe
    FROM centres_openings(centre_ids, from_date, until_date) o
    GROUP BY 1, 2
),
flagged AS (
    SELECT s.centre_id, date_trunc('month', s.day)::date AS month, count(*) AS n
    FROM centres_staffed_openings(centre_ids, from_date, until_date) s
    WHERE s.staff < 2
    GROUP BY 1, 2
),
months AS (
    SELECT DISTINCT c.id AS centre_id, m::date AS month
    FROM unnest(centre_ids) AS c (id),
         generate_series(date_trunc('month', from_date), until_date, interval '1 month') AS m
)
SELECT m.centre_id, m.month, coalesce(h.staffed, 0), coalesce(h.user_run, 0),
       coalesce(h.maybe, 0), coalesce(f.n, 0)::integer
FROM months m
LEFT JOIN hours h ON h.centre_id = m.centre_id AND h.month = m.month
LEFT JOIN flagged f ON f.centre_id = m.centre_id AND f.month = m.month
$body$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('centres', '0030_closed_days_in_sql'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='shift',
            index=models.Index(
                django.db.models.expressions.CombinedExpression(
                    models.F('ends'), '-', models.F('starts')
                ),
                name='shift_length',
            ),
        ),
        migrations.RunSQL(FUNCTIONS, reverse_sql=OPENINGS_0030 + STAFFED_0029 + MONTHS_0029),
    ]
