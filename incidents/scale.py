"""Scale data for incidents: reports with follow-up, bans, risk assessments, procedures
with acknowledgements, and the access log of the last months."""

from centres.scale import next_ids, run

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


def seed(cursor, plan):
    """Create incident reports, follow-up, bans, risk assessments and procedures."""
    run(cursor, plan, INCIDENTS)
    run(cursor, plan, SAFETY)
