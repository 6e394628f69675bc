from django.db import migrations

# centres_closed_days: the days each centre is closed from from_date to until_date, with
# the reason: a closure (its reason) or a public holiday (its name), unless an open day
# reopens the day. A closure's reason wins over a holiday's name. centres_openings reads
# its closed days from here, and so does the Python side (centres.openings.closed_days):
# the closure rule is written once.
CLOSED_DAYS = r"""
CREATE FUNCTION centres_closed_days(centre_ids bigint[], from_date date, until_date date)
RETURNS TABLE (centre_id bigint, day date, reason text)
LANGUAGE sql STABLE AS $body$
WITH closing AS (
    SELECT cl.centre_id, d::date AS day, cl.reason::text AS reason, 0 AS rank, cl.id
    FROM centres_closure cl,
         generate_series(greatest(cl.starts, from_date), least(cl.ends, until_date),
                         interval '1 day') AS d
    WHERE cl.centre_id = ANY(centre_ids) AND cl.starts <= until_date
      AND cl.ends >= from_date
    UNION ALL
    SELECT c.id, p.date, p.name::text, 1, 0
    FROM unnest(centre_ids) AS c (id) CROSS JOIN centres_publicholiday p
    WHERE p.date BETWEEN from_date AND until_date
)
SELECT DISTINCT ON (k.centre_id, k.day) k.centre_id, k.day, k.reason
FROM closing k
WHERE NOT EXISTS (
    SELECT 1 FROM centres_openday o WHERE o.centre_id = k.centre_id AND o.date = k.day
)
ORDER BY k.centre_id, k.day, k.rank, k.id DESC
$body$;
"""

# centres_openings as in 0029, its days closed by centres_closed_days, and a planned
# user-run opening that fills a slot gives the slot's weekly-hours row as hours_id (the
# row it came from, with its label).
OPENINGS = r"""
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


# Back to 0029: its centres_openings, which closes its days itself.
OPENINGS_0029 = r"""
CREATE OR REPLACE FUNCTION centres_openings(centre_ids bigint[], from_date date, until_date date)
RETURNS TABLE (centre_id bigint, day date, kind varchar, starts timestamptz,
               ends timestamptz, hours double precision, hours_id bigint,
               user_run_id bigint)
LANGUAGE sql STABLE AS $body$
WITH days AS (
    SELECT d::date AS day FROM generate_series(from_date, until_date, interval '1 day') AS d
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
      AND (
        NOT (
            EXISTS (SELECT 1 FROM centres_publicholiday p WHERE p.date = days.day)
            OR EXISTS (
                SELECT 1 FROM centres_closure c
                WHERE c.centre_id = h.centre_id AND c.starts <= days.day AND c.ends >= days.day
            )
        )
        OR EXISTS (
            SELECT 1 FROM centres_openday o WHERE o.centre_id = h.centre_id AND o.date = days.day
        )
      )
),
fillable AS (
    SELECT DISTINCT s.centre_id, s.slot_start, s.slot_end FROM slots s WHERE s.kind <> 'staffed'
),
runs AS (
    SELECT DISTINCT ON (r.centre_id, r.starts, r.ends) r.centre_id, r.id, r.starts, r.ends,
           (r.starts AT TIME ZONE 'Europe/Copenhagen')::date AS day,
           EXTRACT(EPOCH FROM (r.ends - r.starts))::double precision / 3600 AS hours,
           f.centre_id IS NOT NULL AS fills_slot
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
SELECT r.centre_id, r.day, 'user_run', r.starts, r.ends, r.hours, NULL, r.id FROM runs r
$body$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0029_opening_months_kept_by_triggers"),
    ]

    operations = [
        migrations.RunSQL(
            CLOSED_DAYS + OPENINGS,
            OPENINGS_0029 + "DROP FUNCTION centres_closed_days(bigint[], date, date);",
        ),
    ]
