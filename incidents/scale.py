"""Scale data for incidents: reports with follow-up, bans, risk assessments, procedures
with acknowledgements, the access log of the last months, day sheets of minor episodes
and the quarterly violence reviews."""

from centres.scale import next_ids, run
from incidents.models import Kind, PartOfDay, Severity
from incidents.review import FROM_CONTEXT, OPENING_NONE, OPENING_STAFFED, opening_labels

INCIDENTS = [
    # About one report in seventy openings, reported by one of the centre's staff; reports
    # older than two months are closed.
    f"""
    CREATE TEMP TABLE scale_incident ON COMMIT DROP AS
    SELECT {next_ids("incidents_incident")} AS id, i.*,
        i.occurred_at < %(today)s::timestamptz - interval '60 days' AS closed
    FROM (
        SELECT o.centre_id, o.centre_idx, o.org_idx, o.day,
            o.start_at + interval '1 hour' AS occurred_at,
            CASE o.kind WHEN 'staffed' THEN 'staffed_opening' ELSE 'user_run_opening' END
                AS context,
            (ARRAY['verbal_abuse', 'threat', 'physical_violence', 'property_damage',
                   'other'])[1 + floor(random() * 5)::int] AS kind,
            (ARRAY['minor', 'minor', 'minor', 'moderate', 'serious'])[
                1 + floor(random() * 5)::int] AS severity,
            random() < 0.05 AS injury,
            mod(o.day - %(first)s::date, %(staff_per_centre)s) AS reporter
        FROM scale_opening o
        WHERE o.happened AND o.day <= %(last)s::date AND random() < 0.014
        ORDER BY o.centre_id, o.start_at
    ) i
    """,
    """
    INSERT INTO incidents_incident (id, centre_id, occurred_at, is_full_report, context, kinds,
        severity, affected_role, affected_user_id, involved_aliases, alias_keys, summary,
        what_happened, preceded, escalated, calmed, immediate_actions, injury,
        injury_description, absence_first_day, work_injury_reported_on,
        work_injury_reference, police_reported_on, police_reference, status, reported_by_id,
        created_at, reviewed_at, closed_at, pseudonymised_at)
    SELECT i.id, i.centre_id, i.occurred_at, i.severity <> 'minor', i.context,
        jsonb_build_array(i.kind), i.severity,
        CASE WHEN mod(i.id, 3) = 0 THEN 'user' ELSE 'staff' END, NULL,
        jsonb_build_array('Gæst ' || i.id), jsonb_build_array('gæst ' || i.id),
        'Uro i fællesrummet',
        CASE WHEN i.severity <> 'minor' THEN 'En gæst blev vred og råbte ad personalet.'
            ELSE '' END,
        '', '', '', '["de_escalation"]'::jsonb, i.injury,
        CASE WHEN i.injury THEN 'Blå mærker på armen.' ELSE '' END,
        CASE WHEN i.injury THEN i.day + 1 END,
        CASE WHEN i.injury AND i.closed THEN i.day + 5 END, '',
        NULL, '',
        CASE WHEN i.closed THEN 'closed' WHEN mod(i.id, 2) = 0 THEN 'reviewed'
            ELSE 'reported' END,
        u.id, i.occurred_at + interval '2 hours',
        CASE WHEN i.closed OR mod(i.id, 2) = 0 THEN i.occurred_at + interval '2 days' END,
        CASE WHEN i.closed THEN i.occurred_at + interval '30 days' END,
        NULL
    FROM scale_incident i
    JOIN scale_user u ON u.centre_idx = i.centre_idx AND u.k = i.reporter
    ORDER BY i.id
    """,
    """
    INSERT INTO incidents_followupitem (incident_id, kind, description, due_on, done_on,
        owner_id)
    SELECT i.id, f.kind, f.description, i.day + f.days,
        CASE WHEN i.closed THEN i.day + f.days - 1 END, u.id
    FROM scale_incident i
    JOIN scale_user u ON u.org_idx = i.org_idx AND u.role = 'leader'
    CROSS JOIN (VALUES ('debrief', 'Kollegial samtale efter episoden', 7),
                       ('user_conversation', 'Samtale med gæsten', 14))
        AS f(kind, description, days)
    WHERE f.kind = 'debrief' OR i.severity <> 'minor'
    """,
    # A month's ban from the centre after about one report in ten; one alias per report,
    # so bans never overlap.
    """
    INSERT INTO incidents_ban (organisation_id, alias, alias_key, description, scope,
        centre_id, activity, scope_key, key_holder_id, incident_id, starts_on, ends_on, reason,
        told_on, review_on, decided_by_id, created_at)
    SELECT c.organisation_id, 'Gæst ' || i.id, 'gæst ' || i.id, '', 'centre', i.centre_id, '',
        'centre:' || i.centre_id, NULL, i.id, i.day + 1, i.day + 30, '', i.day + 1,
        i.day + 23, u.id, i.occurred_at + interval '1 day'
    FROM scale_incident i
    JOIN scale_centre c ON c.id = i.centre_id
    JOIN scale_user u ON u.org_idx = i.org_idx AND u.role = 'leader'
    WHERE mod(i.id, 10) = 0
    """,
    # The leader read the report; only the last six months are kept in the access log.
    """
    INSERT INTO centres_accesslogentry (organisation_id, user_id, username, at, action, what,
        object_id, aliases, path)
    SELECT c.organisation_id, u.id, u.username, i.occurred_at + interval '1 day', 'view',
        'incident', i.id, '[]'::jsonb, '/incidents/' || i.id || '/'
    FROM scale_incident i
    JOIN scale_centre c ON c.id = i.centre_id
    JOIN scale_user u ON u.org_idx = i.org_idx AND u.role = 'leader'
    WHERE i.occurred_at > %(today)s::timestamptz - interval '183 days'
    """,
]

SAFETY = [
    # A risk assessment each year, reviewed a year later.
    """
    INSERT INTO incidents_riskassessment (centre_id, assessed_on, risks, measures, review_on,
        written_by_id)
    SELECT c.id, d::date, 'Alenearbejde ved lukketid; konflikter i køen til maden.',
        'To på vagt ved lukketid; alarm i køkkenet.', d::date + 365, u.id
    FROM scale_centre c
    JOIN scale_user u ON u.org_idx = c.org_idx AND u.role = 'leader',
        generate_series(%(first)s::date + mod(c.idx, 60), %(last)s::date, interval '1 year')
            AS d
    """,
    # The procedure for unsafe situations, rewritten at the change of hours.
    """
    INSERT INTO incidents_procedure (centre_id, version, text, published_at, published_by_id)
    SELECT c.id, v.version, v.text, v.at::timestamp AT TIME ZONE 'Europe/Copenhagen', u.id
    FROM scale_centre c
    JOIN scale_user u ON u.org_idx = c.org_idx AND u.role = 'leader',
        (VALUES (1, 'Ring 112 ved fare. Ring derefter til lederen.', %(first)s::date),
                (2, 'Ring 112 ved fare. Gå to og to ved lukketid. Ring derefter til lederen.',
                 %(change)s::date)) AS v(version, text, at)
    """,
    # All staff read the first version; the third staff member has not read the second.
    """
    INSERT INTO incidents_acknowledgement (procedure_id, user_id, acknowledged_at)
    SELECT p.id, u.id, p.published_at + (u.k + 1) * interval '1 day'
    FROM incidents_procedure p
    JOIN scale_centre c ON c.id = p.centre_id
    JOIN scale_user u ON u.centre_idx = c.idx
    WHERE p.version = 1 OR u.k < 2
    """,
]


# Staff fill in a day sheet at closing on about nine days in ten with a staffed opening;
# most say "no episodes", the others count one to three episodes of a kind in a part of
# the day while the centre was open (the same kind and part twice makes one entry of two).
DAY_SHEETS = [
    f"""
    CREATE TEMP TABLE scale_day_sheet ON COMMIT DROP AS
    SELECT {next_ids("incidents_daysheet")} AS id, d.*,
        random() < 0.85 AS quiet,
        1 + (random() < 0.35)::int + (random() < 0.1)::int AS episodes
    FROM (
        SELECT o.centre_id, o.centre_idx, o.day,
            min(extract(hour FROM o.starts))::int AS from_hour,
            max(extract(hour FROM o.ends))::int AS until_hour,
            max(o.end_at) AS closed_at
        FROM scale_opening o
        WHERE o.kind = 'staffed' AND o.happened AND o.day <= %(last)s::date
        GROUP BY o.centre_id, o.centre_idx, o.day
        ORDER BY o.centre_id, o.day
    ) d
    WHERE random() < 0.9
    """,
    """
    INSERT INTO incidents_daysheet (id, centre_id, day, no_episodes, note, filled_in_by_id,
        updated_at)
    SELECT s.id, s.centre_id, s.day, s.quiet,
        CASE WHEN NOT s.quiet AND random() < 0.4 THEN
            (ARRAY['Uro i køen til maden; det hjalp at dele køen op.',
                   'En gæst råbte ad en anden; gik en tur med personalet og faldt til ro.',
                   'Skænderi om rygning ved døren; aftalt at tage det op på husmødet.',
                   'Trusler mod personalet ved lukketid; vi var to og holdt afstand.'])[
                1 + floor(random() * 4)::int]
            ELSE '' END,
        u.id, s.closed_at + (10 + floor(random() * 30)::int) * interval '1 minute'
    FROM scale_day_sheet s
    JOIN scale_user u ON u.centre_idx = s.centre_idx
        AND u.k = mod(s.day - %(first)s::date, %(staff_per_centre)s)
    ORDER BY s.id
    """,
    """
    INSERT INTO incidents_daysheetentry (sheet_id, kind, part_of_day, count)
    SELECT e.sheet_id, e.kind, CASE WHEN e.hour >= 16 THEN 16 WHEN e.hour >= 14 THEN 14
            WHEN e.hour >= 12 THEN 12 WHEN e.hour >= 10 THEN 10 ELSE 0 END,
        sum(e.n)
    FROM (
        SELECT s.id AS sheet_id,
            (ARRAY['verbal_abuse', 'verbal_abuse', 'verbal_abuse', 'verbal_abuse', 'threat',
                   'threat', 'physical_violence', 'other'])[1 + floor(random() * 8)::int]
                AS kind,
            s.from_hour + floor(random() * (s.until_hour - s.from_hour))::int AS hour,
            CASE WHEN random() < 0.8 THEN 1 ELSE 2 END AS n
        FROM scale_day_sheet s CROSS JOIN LATERAL generate_series(1, s.episodes) AS j
        WHERE NOT s.quiet
    ) e
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    """,
]

# Each centre's review of every full quarter that has passed: opened a few days after the
# quarter with one to three decisions due in the next quarter, most of them done; signed
# within two weeks by the leader and by the organisation's safety representative (the
# centre's own, if it has one), and locked with the second signature. Nothing is dated
# from today on, so early in a quarter the last review is not yet signed, or not opened.
REVIEWS = [
    f"""
    CREATE TEMP TABLE scale_review ON COMMIT DROP AS
    SELECT {next_ids("incidents_quarterreview")} AS id, r.*,
        r.end_at + (2 + mod(r.centre_idx, 5)) * interval '1 day' + interval '9 hours'
            AS created_at,
        r.end_at + (6 + mod(r.centre_idx, 7)) * interval '1 day' + interval '10 hours'
            AS representative_signed_at,
        r.end_at + (8 + mod(r.centre_idx * 3, 7)) * interval '1 day' + interval '14 hours'
            AS leader_signed_at,
        1 + floor(random() * 3)::int AS decisions
    FROM (
        SELECT c.id AS centre_id, c.idx AS centre_idx, c.org_idx,
            extract(year FROM q)::int AS year, extract(quarter FROM q)::int AS quarter,
            q::date AS first_day, (q + interval '3 months')::date - 1 AS last_day,
            q AT TIME ZONE 'Europe/Copenhagen' AS start_at,
            (q + interval '3 months') AT TIME ZONE 'Europe/Copenhagen' AS end_at,
            l.id AS leader_id, s.id AS representative_id
        FROM scale_centre c
        JOIN scale_user l ON l.org_idx = c.org_idx AND l.role = 'leader'
        CROSS JOIN LATERAL (
            SELECT u.id FROM scale_user u JOIN centres_user cu ON cu.id = u.id
            WHERE u.org_idx = c.org_idx AND cu.is_safety_representative
            ORDER BY u.centre_idx = c.idx DESC, u.centre_idx, u.k LIMIT 1
        ) s
        CROSS JOIN generate_series(
            date_trunc('quarter', (%(first)s::date - 1)::timestamp) + interval '3 months',
            %(today)s::date - interval '3 months', interval '3 months') AS q
        ORDER BY c.idx, q
    ) r
    """,
    """
    DELETE FROM scale_review
    WHERE created_at >= %(today)s::date::timestamp AT TIME ZONE 'Europe/Copenhagen'
    """,
    """
    INSERT INTO incidents_quarterreview (id, centre_id, year, quarter, created_at, locked_at)
    SELECT id, centre_id, year, quarter, created_at,
        CASE WHEN greatest(representative_signed_at, leader_signed_at)
            < %(today)s::date::timestamp AT TIME ZONE 'Europe/Copenhagen'
            THEN greatest(representative_signed_at, leader_signed_at) END
    FROM scale_review ORDER BY id
    """,
    """
    INSERT INTO incidents_reviewdecision (review_id, text, owner_id, due_on, done_on)
    SELECT d.review_id, d.text, d.owner_id, d.due_on,
        CASE WHEN d.done_on < %(today)s::date AND d.done THEN d.done_on END
    FROM (
        SELECT r.id AS review_id,
            (ARRAY['Gennemgå proceduren for vold og trusler på næste personalemøde.',
                   'Flyt madudleveringen, så køen ikke står i døren.',
                   'Altid to på vagt den sidste time før lukketid.',
                   'Kursus i konflikthåndtering for de nye medarbejdere.',
                   'Tal med nøgleholderne om, hvad de gør ved en episode under brugeråbent.',
                   'Opdatér risikovurderingen med kvartalets episoder.',
                   'Sæt en overfaldsalarm op i køkkenet.'])[
                1 + mod(r.centre_idx + r.year * 4 + r.quarter + j * 3, 7)] AS text,
            CASE WHEN mod(r.centre_idx + r.quarter + j, 3) = 0 THEN r.representative_id
                ELSE r.leader_id END AS owner_id,
            r.last_day + 14 + 25 * j + floor(random() * 20)::int AS due_on,
            greatest(r.last_day + 14 + 25 * j - floor(random() * 20)::int,
                     r.created_at::date + 1) AS done_on,
            random() < 0.85 AS done
        FROM scale_review r CROSS JOIN LATERAL generate_series(0, r.decisions - 1) AS j
    ) d
    ORDER BY d.review_id, d.due_on
    """,
    # The figures each signature keeps, counted as incidents.review.quarter_figures
    # counts them. Every scale report has a context, so none is placed by the opening at
    # its moment.
    """
    CREATE TEMP TABLE scale_episode ON COMMIT DROP AS
    SELECT r.id AS review_id, 'reports' AS source, i.severity, i.is_full_report, i.kinds,
        extract(isodow FROM i.occurred_at AT TIME ZONE 'Europe/Copenhagen')::int AS weekday,
        extract(hour FROM i.occurred_at AT TIME ZONE 'Europe/Copenhagen')::int AS hour,
        coalesce((%(context_openings)s::text[])[
            array_position(%(contexts)s::text[], i.context::text)], %(outside)s) AS opening,
        1 AS n
    FROM scale_review r
    JOIN incidents_incident i ON i.centre_id = r.centre_id
        AND i.occurred_at >= r.start_at AND i.occurred_at < r.end_at
    UNION ALL
    SELECT r.id, 'day_sheet', NULL, NULL, jsonb_build_array(e.kind),
        extract(isodow FROM s.day)::int, e.part_of_day, %(staffed)s, e.count
    FROM scale_review r
    JOIN incidents_daysheet s ON s.centre_id = r.centre_id
        AND s.day BETWEEN r.first_day AND r.last_day
    JOIN incidents_daysheetentry e ON e.sheet_id = s.id
    """,
    "CREATE INDEX ON scale_episode (review_id)",
    """
    CREATE TEMP TABLE scale_figure_key ON COMMIT DROP AS
    SELECT 'kind' AS dimension, unnest(%(kinds)s::text[]) AS key
    UNION ALL SELECT 'weekday', generate_series(1, 7)::text
    UNION ALL SELECT 'part_of_day', unnest(%(parts)s::int[])::text
    UNION ALL SELECT 'opening', unnest(%(openings)s::text[])
    """,
    """
    CREATE TEMP TABLE scale_figure_cell ON COMMIT DROP AS
    SELECT review_id, dimension, key,
        coalesce(sum(n) FILTER (WHERE source = 'reports'), 0) AS reports,
        coalesce(sum(n) FILTER (WHERE source = 'day_sheet'), 0) AS day_sheet
    FROM (
        SELECT e.review_id, e.source, e.n, 'kind' AS dimension, k.key
        FROM scale_episode e
        CROSS JOIN LATERAL (SELECT DISTINCT jsonb_array_elements_text(e.kinds) AS key) k
        UNION ALL
        SELECT review_id, source, n, 'weekday', weekday::text FROM scale_episode
        UNION ALL
        SELECT e.review_id, e.source, e.n, 'part_of_day',
            (SELECT max(p) FROM unnest(%(parts)s::int[]) AS p WHERE p <= e.hour)::text
        FROM scale_episode e
        UNION ALL
        SELECT review_id, source, n, 'opening', opening FROM scale_episode
    ) e
    GROUP BY review_id, dimension, key
    """,
    "CREATE INDEX ON scale_figure_cell (review_id, dimension, key)",
    """
    CREATE TEMP TABLE scale_figures ON COMMIT DROP AS
    SELECT r.id AS review_id, jsonb_build_object(
        'reports', (SELECT count(*) FROM scale_episode e
                    WHERE e.review_id = r.id AND e.source = 'reports'),
        'full_reports', (SELECT count(*) FROM scale_episode e
                         WHERE e.review_id = r.id AND e.source = 'reports'
                           AND e.is_full_report),
        'day_sheet_episodes', (SELECT coalesce(sum(e.n), 0) FROM scale_episode e
                               WHERE e.review_id = r.id AND e.source = 'day_sheet'),
        'severity', (SELECT jsonb_object_agg(v.severity, (
                         SELECT count(*) FROM scale_episode e
                         WHERE e.review_id = r.id AND e.source = 'reports'
                           AND e.severity = v.severity))
                     FROM unnest(%(severities)s::text[]) AS v(severity)),
        'day_sheets', (SELECT jsonb_build_object('filled', count(*),
                                                 'without_episodes', count(*) FILTER (
                                                     WHERE s.no_episodes))
                       FROM incidents_daysheet s
                       WHERE s.centre_id = r.centre_id
                         AND s.day BETWEEN r.first_day AND r.last_day),
        'risk_assessments', (SELECT count(*) FROM incidents_riskassessment a
                             WHERE a.centre_id = r.centre_id
                               AND (a.assessed_on BETWEEN r.first_day AND r.last_day
                                    OR a.review_on BETWEEN r.first_day AND r.last_day)),
        'days', r.last_day - r.first_day + 1
    ) || (
        SELECT jsonb_object_agg(d.dimension, d.pairs) FROM (
            SELECT g.dimension, jsonb_object_agg(g.key, jsonb_build_object(
                'reports', coalesce(c.reports, 0), 'day_sheet', coalesce(c.day_sheet, 0)))
                AS pairs
            FROM scale_figure_key g
            LEFT JOIN scale_figure_cell c ON c.review_id = r.id
                AND c.dimension = g.dimension AND c.key = g.key
            GROUP BY g.dimension
        ) d
    ) AS figures
    FROM scale_review r
    """,
    "CREATE INDEX ON scale_figures (review_id)",
    # Follow-up items count as done if they were done by the day of signing.
    """
    INSERT INTO incidents_reviewsignature (review_id, role, signed_by_id, signed_at, figures)
    SELECT s.review_id, s.role, s.signed_by_id, s.signed_at,
        f.figures || jsonb_build_object('follow_ups', (
            SELECT jsonb_build_object('total', count(*), 'done', count(*) FILTER (
                WHERE fu.done_on <= (s.signed_at AT TIME ZONE 'Europe/Copenhagen')::date))
            FROM incidents_followupitem fu
            JOIN incidents_incident i ON i.id = fu.incident_id
            WHERE i.centre_id = s.centre_id
              AND i.occurred_at >= s.start_at AND i.occurred_at < s.end_at))
    FROM (
        SELECT id AS review_id, centre_id, start_at, end_at, 'safety_representative' AS role,
            representative_id AS signed_by_id, representative_signed_at AS signed_at
        FROM scale_review
        UNION ALL
        SELECT id, centre_id, start_at, end_at, 'leader', leader_id, leader_signed_at
        FROM scale_review
    ) s
    JOIN scale_figures f ON f.review_id = s.review_id
    WHERE s.signed_at < %(today)s::date::timestamp AT TIME ZONE 'Europe/Copenhagen'
    ORDER BY s.signed_at, s.review_id
    """,
]


def review_keys():
    """The names and keys of incidents.review.quarter_figures, as query parameters."""
    return {
        "kinds": Kind.values,
        "severities": Severity.values,
        "parts": PartOfDay.values,
        "contexts": list(FROM_CONTEXT),
        "context_openings": list(FROM_CONTEXT.values()),
        "openings": [key for key, _label in opening_labels()],
        "outside": OPENING_NONE,
        "staffed": OPENING_STAFFED,
    }


def seed(cursor, plan):
    """Create incident reports, follow-up, bans, risk assessments, procedures, day sheets
    and quarterly reviews."""
    run(cursor, plan, INCIDENTS)
    run(cursor, plan, SAFETY)
    run(cursor, plan, DAY_SHEETS)
    run(cursor, plan, REVIEWS, review_keys())
