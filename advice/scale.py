"""Scale data for advice: topics, anonymous contacts on staffed days, outreach hours with
absences, and monthly tallies of meetings held, missed and cancelled."""

from django.utils import translation

from advice.models import AbsenceReason, Channel, DefaultTopic, Duration, HelperRole, Outcome
from centres.scale import run


def values(choices):
    return [value for value, _label in choices.choices]


TOPICS = [
    """
    INSERT INTO advice_topic (organisation_id, code, name, position, retired)
    SELECT o.id, t.code, t.name, t.position - 1, false
    FROM scale_org o,
        unnest(%(topic_codes)s::text[], %(topic_names)s::text[]) WITH ORDINALITY
            AS t(code, name, position)
    ORDER BY o.idx, t.position
    """,
]

CONTACTS = [
    # Up to two contacts on a staffed day, none from a person: kind, where and the day.
    """
    INSERT INTO advice_contact (centre_id, date, channel, helper_role, duration, outcome,
        new_to_service)
    SELECT o.centre_id, o.day,
        (%(channels)s::text[])[1 + floor(random() * cardinality(%(channels)s::text[]))::int],
        (%(helper_roles)s::text[])[
            1 + floor(random() * cardinality(%(helper_roles)s::text[]))::int],
        (%(durations)s::text[])[1 + floor(random() * cardinality(%(durations)s::text[]))::int],
        (%(outcomes)s::text[])[1 + floor(random() * cardinality(%(outcomes)s::text[]))::int],
        random() < 0.1
    FROM (SELECT centre_id, day, floor(random() * 2.5)::int AS contacts
          FROM scale_opening WHERE kind = 'staffed' AND day <= %(last)s::date) o
    CROSS JOIN LATERAL generate_series(1, o.contacts) AS n
    ORDER BY o.centre_id, o.day
    """,
    # One topic each, a second one for about a third.
    """
    INSERT INTO advice_contacttopic (contact_id, topic_id)
    SELECT ct.id, t.id
    FROM advice_contact ct
    JOIN scale_centre c ON c.id = ct.centre_id
    JOIN advice_topic t ON t.organisation_id = c.organisation_id
        AND (t.position = mod(ct.id * 7, %(topic_count)s)
             OR (mod(ct.id, 3) = 0 AND t.position = mod(ct.id * 7 + 1, %(topic_count)s)))
    """,
]

OUTREACH = [
    # The job centre comes on Tuesdays throughout, social services on Thursdays after the
    # change of hours.
    """
    INSERT INTO advice_outreachhours (centre_id, role, service, display_name, weekday,
        start_time, end_time, valid_from, valid_until)
    SELECT c.id, 'job_centre', 'Jobcenter ' || c.town, 'Jobcenteret', 1, time '10:00',
        time '12:00', %(first)s::date, NULL::date
    FROM scale_centre c
    UNION ALL
    SELECT c.id, 'social_services', 'Socialforvaltningen ' || c.town, 'Sagsbehandler', 3,
        time '13:00', time '15:00', %(change)s::date, NULL
    FROM scale_centre c
    """,
    """
    INSERT INTO advice_outreachabsence (hours_id, start_date, end_date, reason)
    SELECT h.id, make_date(y, 7, 6), make_date(y, 7, 26), %(holiday)s
    FROM advice_outreachhours h JOIN scale_centre c ON c.id = h.centre_id,
        generate_series(extract(year FROM %(first)s::date)::int,
                        extract(year FROM %(horizon)s::date)::int) AS y
    WHERE make_date(y, 7, 6) >= h.valid_from
    """,
    """
    INSERT INTO advice_meetingtally (centre_id, service, month, held, no_show, cancelled)
    SELECT c.id, s.service, date_trunc('month', d)::date,
        floor(random() * 12)::int, floor(random() * 4)::int, floor(random() * 2)::int
    FROM scale_centre c,
        generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS d,
        (VALUES ('job_centre'), ('social_services')) AS s(service)
    """,
]


def seed(cursor, plan):
    """Create topics, contacts with their topics, outreach hours, absences and tallies."""
    # Stored names are English; the label shown is translated from the code.
    with translation.override("en"):
        names = [str(label) for _value, label in DefaultTopic.choices]
    extra = {
        "topic_codes": values(DefaultTopic),
        "topic_names": names,
        "topic_count": len(names),
        "channels": values(Channel),
        "helper_roles": values(HelperRole),
        "durations": values(Duration),
        "outcomes": values(Outcome),
        "holiday": AbsenceReason.HOLIDAY.value,
    }
    run(cursor, plan, TOPICS, extra)
    run(cursor, plan, CONTACTS, extra)
    run(cursor, plan, OUTREACH, extra)
