"""Scale data for activities: weekly activities with their occurrences and attendance,
a yearly trip with sign-ups per organisation, house and board meetings with minutes."""

from centres.scale import next_ids, run

# (title, category, led by, weekday, from hour, until hour) of every centre's weekly activities.
WEEKLY = [
    ("NADA-akupunktur", "nada", "staff", 1, 13, 14),
    ("Gåtur", "walking", "users", 3, 10, 12),
]
WEEKLY_ROWS = ", ".join(f"('{t}', '{c}', '{led}', {d}, {a}, {b})" for t, c, led, d, a, b in WEEKLY)

ACTIVITIES = [
    f"""
    CREATE TEMP TABLE scale_activity ON COMMIT DROP AS
    SELECT {next_ids("activities_activity")} AS id,
        {next_ids("activities_schedule")} AS schedule_id, a.*
    FROM (
        SELECT c.organisation_id, c.id AS centre_id, c.idx AS centre_idx, c.size,
            t.title, t.category, t.led_by, t.weekday, t.from_hour, t.until_hour,
            NULL::date AS day
        FROM scale_centre c,
            (VALUES {WEEKLY_ROWS}) AS t(title, category, led_by, weekday, from_hour, until_hour)
        UNION ALL
        SELECT o.id, NULL, NULL, 15, 'Sommertur', 'trip', 'staff', NULL, 9, 17,
            make_date(y, 6, 10 + mod(o.idx, 15))
        FROM scale_org o,
            generate_series(extract(year FROM %(first)s::date)::int,
                            extract(year FROM %(horizon)s::date)::int) AS y
        WHERE make_date(y, 6, 10 + mod(o.idx, 15)) BETWEEN %(first)s AND %(horizon)s
        ORDER BY 1, 2, 5, 11
    ) a
    """,
    """
    INSERT INTO activities_activity (id, organisation_id, title, description, category, place,
        led_by, staff_present, price, capacity, signup_required, runs_when_closed, created_at)
    SELECT id, organisation_id,
        CASE WHEN day IS NULL THEN title ELSE title || ' ' || extract(year FROM day) END,
        '', category,
        CASE WHEN day IS NULL THEN '' ELSE 'Møns Klint' END,
        led_by, led_by = 'staff',
        CASE WHEN day IS NULL THEN NULL ELSE 100 END,
        CASE WHEN day IS NULL THEN NULL ELSE 12 END,
        day IS NOT NULL, false, %(first)s::timestamptz
    FROM scale_activity ORDER BY id
    """,
    """
    INSERT INTO activities_activity_centres (activity_id, centre_id)
    SELECT a.id, a.centre_id FROM scale_activity a WHERE a.centre_id IS NOT NULL
    UNION ALL
    SELECT a.id, c.id FROM scale_activity a JOIN scale_centre c
        ON c.organisation_id = a.organisation_id
    WHERE a.centre_id IS NULL
    """,
    """
    INSERT INTO activities_schedule (id, activity_id, weekdays, start_time, end_time,
        interval_weeks, valid_from, valid_until, session_count)
    SELECT schedule_id, id, coalesce(weekday::text, ''), make_time(from_hour, 0, 0),
        make_time(until_hour, 0, 0), 1, coalesce(day, %(first)s::date), NULL, NULL
    FROM scale_activity ORDER BY id
    """,
    # Weekly occurrences skip the centre's closed days; about one in thirty is cancelled.
    """
    INSERT INTO activities_occurrence (activity_id, schedule_id, original_start, start, "end",
        cancelled, cancel_reason, cancelled_by_closure, attendance, attendance_recorded_at)
    SELECT activity_id, schedule_id, start_at, start_at, end_at, cancelled,
        CASE WHEN cancelled THEN 'Aflyst pga. sygdom' ELSE '' END, false,
        CASE WHEN NOT cancelled AND end_at < %(today)s::timestamptz
            THEN 1 + floor(random() * size)::int END,
        CASE WHEN NOT cancelled AND end_at < %(today)s::timestamptz
            THEN end_at + interval '1 hour' END
    FROM (
        SELECT a.id AS activity_id, a.schedule_id, a.size, random() < 0.03 AS cancelled,
            (d::date + make_time(a.from_hour, 0, 0)) AT TIME ZONE 'Europe/Copenhagen'
                AS start_at,
            (d::date + make_time(a.until_hour, 0, 0)) AT TIME ZONE 'Europe/Copenhagen'
                AS end_at
        FROM scale_activity a
        CROSS JOIN generate_series(%(first)s::date, %(horizon)s::date, interval '1 day') AS d
        WHERE a.weekday IS NOT NULL AND extract(isodow FROM d)::int - 1 = a.weekday
          AND NOT EXISTS (SELECT 1 FROM scale_closed x
                          WHERE x.centre_id = a.centre_id AND x.day = d::date)
        UNION ALL
        SELECT a.id, a.schedule_id, a.size, false,
            (a.day + make_time(a.from_hour, 0, 0)) AT TIME ZONE 'Europe/Copenhagen',
            (a.day + make_time(a.until_hour, 0, 0)) AT TIME ZONE 'Europe/Copenhagen'
        FROM scale_activity a WHERE a.day IS NOT NULL
    ) o
    ORDER BY activity_id, start_at
    """,
    # Twelve places on a trip: twelve confirmed, two on the waiting list, one cancelled.
    """
    INSERT INTO activities_signup (activity_id, name, phone, status, created_at)
    SELECT a.id,
        (ARRAY['Kaj', 'Inge', 'Bent', 'Lone', 'Poul', 'Hanne', 'Egon'])[1 + mod(n, 7)]
            || ' ' || n,
        '',
        CASE WHEN n <= 12 THEN 'confirmed' WHEN n <= 14 THEN 'waitlist' ELSE 'cancelled' END,
        (a.day - 30 + n)::timestamp AT TIME ZONE 'Europe/Copenhagen'
    FROM scale_activity a, generate_series(1, 15) AS n
    WHERE a.day IS NOT NULL
    """,
]

MEETINGS = [
    # A house meeting in every centre each month, a board meeting each quarter.
    f"""
    CREATE TEMP TABLE scale_meeting ON COMMIT DROP AS
    SELECT {next_ids("activities_meeting")} AS id, m.*,
        m.starts_at < %(today)s::timestamptz AS held
    FROM (
        SELECT 'house' AS kind, c.organisation_id, c.id AS centre_id, c.idx AS centre_idx,
            c.size, (date_trunc('month', d)::date + mod(c.idx, 20) + time '13:00')
                AT TIME ZONE 'Europe/Copenhagen' AS starts_at
        FROM scale_centre c,
            generate_series(%(first)s::date, %(horizon)s::date, interval '1 month') AS d
        UNION ALL
        SELECT 'board', o.id, NULL, NULL, 5,
            (date_trunc('month', d)::date + mod(o.idx, 20) + time '17:00')
                AT TIME ZONE 'Europe/Copenhagen'
        FROM scale_org o,
            generate_series(%(first)s::date, %(horizon)s::date, interval '3 months') AS d
        ORDER BY 6, 3
    ) m
    """,
    """
    INSERT INTO activities_meeting (id, organisation_id, kind, centre_id, starts_at, place,
        users_present, staff_present, minutes, published_at)
    SELECT id, organisation_id, kind, centre_id, starts_at,
        CASE kind WHEN 'house' THEN 'Fællesrummet' ELSE 'Mødelokalet' END,
        CASE WHEN held THEN 2 + floor(random() * size)::int END,
        CASE WHEN held THEN 1 + floor(random() * 2)::int END,
        CASE WHEN held THEN 'Vi talte om ugens aktiviteter, rengøring og sommerturen. '
            || 'Næste møde holdes som planlagt.' ELSE '' END,
        CASE WHEN held THEN starts_at + interval '2 days' END
    FROM scale_meeting ORDER BY id
    """,
    """
    INSERT INTO activities_agendaitem (meeting_id, title, notes, position)
    SELECT m.id, t.title, CASE WHEN m.held THEN 'Drøftet.' ELSE '' END, t.position
    FROM scale_meeting m,
        (VALUES ('Velkomst', 0), ('Aktiviteter', 1), ('Eventuelt', 2)) AS t(title, position)
    """,
    """
    INSERT INTO activities_decision (meeting_id, text, owner, due, done_at)
    SELECT id, 'Vi laver en ny madplan', 'Personalet',
        (starts_at AT TIME ZONE 'Europe/Copenhagen')::date + 14,
        CASE WHEN starts_at < %(today)s::timestamptz - interval '14 days'
            THEN starts_at + interval '10 days' END
    FROM scale_meeting WHERE held
    """,
    """
    INSERT INTO activities_agendaproposal (meeting_id, proposed_by_id, on_behalf_of, title,
        description, status, response, agenda_item_id, created_at)
    SELECT m.id, u.id, 'Kaj', 'Fælles morgenmad om fredagen', '',
        CASE WHEN m.held THEN 'answered' ELSE 'proposed' END,
        CASE WHEN m.held THEN 'Vi prøver det i en måned.' ELSE '' END,
        NULL, m.starts_at - interval '7 days'
    FROM scale_meeting m
    JOIN scale_user u ON u.centre_idx = m.centre_idx AND u.k = 0
    WHERE m.kind = 'house'
    """,
    """
    INSERT INTO activities_calendarlink (organisation_id, centre_id, label, token, created_by_id,
        created_at, revoked_at)
    SELECT o.id, NULL, 'Opslagstavlen', md5(o.id::text || random()::text) || md5(random()::text),
        u.id, %(first)s::timestamptz, NULL
    FROM scale_org o JOIN scale_user u ON u.org_idx = o.idx AND u.role = 'leader'
    """,
]


def seed(cursor, plan):
    """Create activities, occurrences, sign-ups, meetings with minutes and calendar links."""
    run(cursor, plan, ACTIVITIES)
    run(cursor, plan, MEETINGS)
