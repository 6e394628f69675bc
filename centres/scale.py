"""Scale data for centres: a country's organisations, centres, people, hours and tallies.

Everything is inserted set-based (INSERT ... SELECT over generate_series), so 400 centres
over five years take minutes, not hours. Helper tables named scale_* live for the
transaction only; the other apps' generators read them to find centres and people.
Randomness comes from PostgreSQL's random() after setseed(), so a seed repeats a run.
"""

import datetime
import logging
import math
import time
from dataclasses import dataclass
from functools import cached_property

from dateutil.relativedelta import relativedelta

from centres.calendar_days import danish_holidays

logger = logging.getLogger(__name__)

# Weekly patterns, picked by centre: (variant, period, weekday, from hour, until hour, kind).
# Period 1 runs until the mid-period change, period 2 after it (as in the 2023 cuts,
# when staffed hours gave way to user-run ones).
PATTERNS = [
    *[(0, 1, day, 10, 15, "staffed") for day in range(5)],
    (0, 1, 1, 17, 20, "user_run"),
    (0, 1, 3, 17, 20, "user_run"),
    (0, 1, 5, 11, 15, "maybe"),
    *[(0, 2, day, 10, 14, "staffed") for day in range(4)],
    (0, 2, 4, 10, 14, "user_run"),
    (0, 2, 1, 17, 20, "user_run"),
    (0, 2, 3, 17, 20, "user_run"),
    (0, 2, 5, 11, 15, "maybe"),
    *[(1, 1, day, 9, 14, "staffed") for day in range(5)],
    (1, 1, 6, 12, 16, "user_run"),
    *[(1, 2, day, 9, 14, "staffed") for day in (0, 2, 4)],
    *[(1, 2, day, 10, 14, "user_run") for day in (1, 3)],
    (1, 2, 6, 12, 16, "user_run"),
    *[(2, 1, day, 12, 18, "staffed") for day in range(4)],
    (2, 1, 4, 10, 14, "staffed"),
    (2, 1, 5, 10, 14, "user_run"),
    *[(2, 2, day, 12, 18, "staffed") for day in range(4)],
    (2, 2, 4, 10, 14, "staffed"),
    (2, 2, 5, 10, 14, "user_run"),
    (2, 2, 2, 18, 21, "maybe"),
    *[(3, 1, day, 8, 13, "staffed") for day in range(5)],
    (3, 1, 2, 17, 20, "maybe"),
    *[(3, 2, day, 9, 14, "staffed") for day in range(5)],
    (3, 2, 2, 17, 20, "maybe"),
]
VARIANTS = 4
STAFF_PER_CENTRE = 3
CENTRES_PER_ORGANISATION = 4
# The first organisation is a large municipality with this many centres (or half the
# centres of a smaller run), the others have CENTRES_PER_ORGANISATION.
LARGE_ORGANISATION = 20
KEY_HOLDERS_PER_ORGANISATION = 6
FOBS_PER_CENTRE = 3
SHIFT_HISTORY_DAYS = 365
# Users of this many organisations get the known password, when one is given.
KNOWN_PASSWORD_ORGANISATIONS = 10

TOWNS = [
    "Aabenraa", "Aalborg", "Aarhus", "Assens", "Ballerup", "Billund", "Bornholm", "Brøndby",
    "Esbjerg", "Faaborg", "Faxe", "Fredericia", "Frederikshavn", "Furesø", "Gentofte",
    "Guldborgsund", "Haderslev", "Helsingør", "Herning", "Hillerød", "Hjørring", "Holbæk",
    "Holstebro", "Horsens", "Ikast", "Kalundborg", "Kolding", "København", "Køge", "Lolland",
    "Middelfart", "Mariagerfjord", "Næstved", "Nyborg", "Odense", "Odsherred", "Randers",
    "Ringkøbing", "Ringsted", "Roskilde", "Silkeborg", "Skanderborg", "Skive", "Slagelse",
    "Sorø", "Svendborg", "Sønderborg", "Thisted", "Tønder", "Varde", "Vejle", "Viborg",
    "Vordingborg", "Aalborg Øst", "Aarhus Vest",
]  # fmt: skip
STREETS = [
    "Præstøvej", "Frederiksgade", "Slagterivej", "Nørregade", "Søndergade", "Vestergade",
    "Østergade", "Kirkevej", "Stationsvej", "Havnegade", "Skolegade", "Møllevej",
]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """What to generate: how many centres, over how many years, up to `today`."""

    centres: int
    years: int
    seed: int
    today: datetime.date
    password_hash: str = ""

    @property
    def large(self):
        """How many centres the first organisation has."""
        half = max(CENTRES_PER_ORGANISATION, self.centres // 2)
        return min(self.centres, LARGE_ORGANISATION, half)

    @property
    def organisations(self):
        return 1 + math.ceil((self.centres - self.large) / CENTRES_PER_ORGANISATION)

    @property
    def first(self):
        return self.today - relativedelta(years=self.years)

    @property
    def last(self):
        """The last day with tallies: yesterday."""
        return self.today - datetime.timedelta(days=1)

    @property
    def horizon(self):
        """The last day with planned openings, shifts and activities: four weeks ahead."""
        return self.today + datetime.timedelta(days=27)

    @property
    def change(self):
        """The day the weekly hours change, half-way through the period."""
        return self.first + (self.last - self.first) / 2

    @cached_property
    def holidays(self):
        return sorted(danish_holidays(self.first, self.horizon))

    def params(self):
        return {
            "first": self.first,
            "last": self.last,
            "today": self.today,
            "horizon": self.horizon,
            "change": self.change,
            "centres": self.centres,
            "organisations": self.organisations,
            "large": self.large,
            "holidays": self.holidays,
            "password": self.password_hash,
            "known": KNOWN_PASSWORD_ORGANISATIONS,
            "staff_per_centre": STAFF_PER_CENTRE,
            "key_holders": KEY_HOLDERS_PER_ORGANISATION,
            "fobs": FOBS_PER_CENTRE,
            "variants": VARIANTS,
            "shift_days": SHIFT_HISTORY_DAYS,
            "towns": TOWNS,
            "streets": STREETS,
        }


def next_ids(table):
    """SQL for the next value of `table`'s id sequence, to know ids before inserting."""
    return f"nextval(pg_get_serial_sequence('{table}', 'id'))"


def run(cursor, plan, statements, extra=None):
    """Execute `statements` with the plan's values (and `extra`) as query parameters."""
    params = plan.params() | (extra or {})
    for sql in statements:
        started = time.monotonic()
        cursor.execute(sql, params)
        elapsed = time.monotonic() - started
        if elapsed > 5:
            logger.info("%.0f s, %s rows: %s", elapsed, cursor.rowcount, " ".join(sql.split())[:70])


ORGANISATIONS_AND_CENTRES = [
    """
    CREATE TEMP TABLE scale_org ON COMMIT DROP AS
    SELECT o AS idx, (%(towns)s::text[])[1 + mod(o - 1, cardinality(%(towns)s::text[]))]
        AS town
    FROM generate_series(1, %(organisations)s) AS o
    """,
    """
    INSERT INTO centres_organisation (name)
    SELECT CASE WHEN mod(idx, 3) = 0
        THEN 'Brugerforeningen i ' || town || ' (' || idx || ')'
        ELSE 'Socialområdet, ' || town || ' Kommune (' || idx || ')' END
    FROM scale_org ORDER BY idx
    """,
    "ALTER TABLE scale_org ADD COLUMN id bigint",
    """
    UPDATE scale_org s SET id = o.id FROM centres_organisation o
    WHERE o.name LIKE '%%(' || s.idx || ')'
    """,
    """
    CREATE TEMP TABLE scale_centre ON COMMIT DROP AS
    SELECT c AS idx, o.id AS organisation_id, o.idx AS org_idx, mod(c, %(variants)s) AS variant,
        o.town, (%(streets)s::text[])[1 + mod(c, cardinality(%(streets)s::text[]))] AS street,
        3 + floor(random() * 10)::int AS size
    FROM generate_series(1, %(centres)s) AS c
    -- One centre each first (so centre idx = organisation idx for those), then the rest
    -- of the large first organisation, then the others' in turn.
    JOIN scale_org o ON o.idx = CASE
        WHEN c <= %(organisations)s THEN c
        WHEN c < %(organisations)s + %(large)s THEN 1
        ELSE 2 + mod(c - %(organisations)s - %(large)s, greatest(%(organisations)s - 1, 1)) END
    """,
    """
    INSERT INTO centres_centre (organisation_id, name, address, legal_basis, target_groups,
        age_from, age_to, places, methods, phone, safety_instructions, tilbudsportalen_checked)
    SELECT organisation_id,
        'Værestedet ' || street || ' ' || idx,
        street || ' ' || (1 + mod(idx * 7, 90)) || ', ' || town,
        CASE WHEN mod(idx, 10) = 0 THEN 's82' ELSE 's104' END,
        CASE variant
            WHEN 0 THEN '["mental_vulnerability", "homelessness"]'
            WHEN 1 THEN '["drug_use", "alcohol_use", "neglect"]'
            WHEN 2 THEN '["mental_vulnerability", "inward_reacting"]'
            ELSE '["homelessness", "other_social_problem"]' END::jsonb,
        18, CASE WHEN mod(idx, 5) = 0 THEN 30 ELSE NULL END,
        size * 4,
        'Relationsarbejde, samtaler og fællesskab omkring måltider.',
        regexp_replace(
            lpad((20000000 + idx * 37)::text, 8, '0'), '(..)(..)(..)(..)', '\\1 \\2 \\3 \\4'
        ),
        'Ring 112 ved fare. Ring derefter til lederen.',
        %(today)s::date - (mod(idx * 53, 500))
    FROM scale_centre ORDER BY idx
    """,
    "ALTER TABLE scale_centre ADD COLUMN id bigint",
    """
    UPDATE scale_centre s SET id = c.id FROM centres_centre c
    WHERE c.organisation_id = s.organisation_id
      AND c.name = 'Værestedet ' || s.street || ' ' || s.idx
    """,
]

PEOPLE = [
    """
    CREATE TEMP TABLE scale_user (username text PRIMARY KEY, org_idx int, centre_idx int,
        k int, role text, id bigint) ON COMMIT DROP
    """,
    """
    INSERT INTO scale_user (username, org_idx, centre_idx, k, role)
    SELECT 'leder-' || idx, idx, NULL::int, 0, 'leader' FROM scale_org
    UNION ALL SELECT 'forening-' || idx, idx, NULL, 0, 'association' FROM scale_org
    UNION ALL SELECT 'opsoegende-' || idx, idx, NULL, 0, 'outreach' FROM scale_org
    UNION ALL SELECT 'personale-' || c.idx || '-' || k, c.org_idx, c.idx, k, 'staff'
        FROM scale_centre c, generate_series(0, %(staff_per_centre)s - 1) AS k
    """,
    # The first staff member of every fourth centre is a safety representative, and so
    # is the first of each organisation's first centre (centre idx = organisation idx),
    # so every organisation has one to sign its quarterly violence reviews.
    """
    INSERT INTO centres_user (password, is_superuser, username, first_name, last_name, email,
        is_staff, is_active, date_joined, role, organisation_id, is_safety_representative)
    SELECT CASE WHEN %(password)s <> '' AND u.org_idx <= %(known)s AND u.role <> 'association'
            THEN %(password)s ELSE '!' || md5(u.username || random()::text) END,
        false, u.username,
        (ARRAY['Anne', 'Bo', 'Camilla', 'Dennis', 'Ella', 'Frida', 'Gitte', 'Henrik',
            'Ida', 'Johan', 'Karen', 'Lars'])[1 + floor(random() * 12)::int],
        (ARRAY['Hansen', 'Jensen', 'Nielsen', 'Mortensen', 'Andersen', 'Larsen', 'Sørensen',
            'Rasmussen'])[1 + floor(random() * 8)::int],
        u.username || '@example.org', false, true, %(first)s::timestamptz, u.role, o.id,
        u.role = 'staff' AND u.k = 0
            AND (mod(u.centre_idx, 4) = 1 OR u.centre_idx <= %(organisations)s)
    FROM scale_user u JOIN scale_org o ON o.idx = u.org_idx
    ORDER BY u.username
    """,
    """
    UPDATE scale_user s SET id = u.id FROM centres_user u WHERE u.username = s.username
    """,
    """
    INSERT INTO centres_user_centres (user_id, centre_id)
    SELECT u.id, c.id FROM scale_user u JOIN scale_centre c ON c.idx = u.centre_idx
    UNION ALL
    SELECT u.id, c.id FROM scale_user u JOIN scale_centre c ON c.org_idx = u.org_idx
    WHERE u.role = 'outreach'
    """,
    # Everyone but the leaders was invited by the organisation's leader, and chose a
    # password the next day.
    """
    INSERT INTO centres_invitation (person_id, token_hash, invited_by_id, created_at,
        expires_at, used_at)
    SELECT u.id, md5(u.username || random()::text) || md5(random()::text), l.id,
        %(first)s::timestamptz, %(first)s::timestamptz + interval '7 days',
        %(first)s::timestamptz + interval '1 day'
    FROM scale_user u JOIN scale_user l ON l.org_idx = u.org_idx AND l.role = 'leader'
    WHERE u.role <> 'leader'
    ORDER BY u.username
    """,
    """
    INSERT INTO centres_accountchange (person_id, changed_by_id, at, kind, changes)
    SELECT u.id, l.id, %(first)s::timestamptz, 'invited',
        jsonb_build_object('role', jsonb_build_array('', u.role),
            'qualification', jsonb_build_array('', 'trained'))
    FROM scale_user u JOIN scale_user l ON l.org_idx = u.org_idx AND l.role = 'leader'
    WHERE u.role <> 'leader'
    UNION ALL
    SELECT u.id, u.id, %(first)s::timestamptz + interval '1 day', 'signed_up', '{}'::jsonb
    FROM scale_user u WHERE u.role <> 'leader'
    """,
]

HOURS_AND_CLOSURES = [
    """
    INSERT INTO centres_openinghours (centre_id, weekday, starts, ends, kind, valid_from,
        valid_until, label)
    SELECT c.id, p.weekday, make_time(p.from_hour, 0, 0), make_time(p.until_hour, 0, 0),
        p.kind,
        CASE p.period WHEN 1 THEN %(first)s::date ELSE %(change)s::date END,
        CASE p.period WHEN 1 THEN %(change)s::date - 1 ELSE NULL END,
        ''
    FROM scale_centre c JOIN scale_pattern p ON p.variant = c.variant
    ORDER BY c.idx, p.period, p.weekday, p.from_hour
    """,
    # A summer closure of two or three weeks and a staff day each year.
    """
    INSERT INTO centres_closure (centre_id, starts, ends, reason)
    SELECT c.id, make_date(y, 7, 1 + mod(c.idx, 3) * 7),
        make_date(y, 7, 1 + mod(c.idx, 3) * 7) + 13 + 7 * mod(c.idx, 2), 'Sommerferie'
    FROM scale_centre c,
        generate_series(extract(year FROM %(first)s::date)::int,
                        extract(year FROM %(horizon)s::date)::int) AS y
    UNION ALL
    SELECT c.id, make_date(y, 3, 10 + mod(c.idx, 10)), make_date(y, 3, 10 + mod(c.idx, 10)),
        'Personaledag'
    FROM scale_centre c,
        generate_series(extract(year FROM %(first)s::date)::int,
                        extract(year FROM %(horizon)s::date)::int) AS y
    """,
    # Every fourth centre keeps its hours on the first weekday holiday of each year.
    """
    INSERT INTO centres_openday (centre_id, date, reason)
    SELECT c.id, h.day, 'Åbent trods helligdag'
    FROM scale_centre c,
        (SELECT DISTINCT ON (extract(year FROM d)) d AS day
         FROM unnest(%(holidays)s::date[]) AS d
         WHERE extract(isodow FROM d) < 6 ORDER BY extract(year FROM d), d) h
    WHERE c.variant = 1
    """,
    # The days each centre is closed, by the opening rules (centres_closed_days).
    """
    CREATE TEMP TABLE scale_closed ON COMMIT DROP AS
    SELECT x.centre_id, x.day
    FROM centres_closed_days(ARRAY(SELECT id FROM scale_centre), %(first)s, %(horizon)s) AS x
    """,
    "CREATE INDEX ON scale_closed (centre_id, day)",
    # Every concrete opening from the first day to the horizon, by the opening rules
    # (centres_openings, migrations centres/0029 and 0030); a maybe-open slot happened on about
    # four days in ten.
    """
    CREATE TEMP TABLE scale_opening ON COMMIT DROP AS
    SELECT o.hours_id, o.centre_id, c.idx AS centre_idx, c.org_idx, c.size, o.day, o.kind,
        (o.starts AT TIME ZONE 'Europe/Copenhagen')::time AS starts,
        (o.ends AT TIME ZONE 'Europe/Copenhagen')::time AS ends,
        o.starts AS start_at, o.ends AS end_at,
        o.kind <> 'maybe' OR random() < 0.4 AS happened
    FROM centres_openings(ARRAY(SELECT id FROM scale_centre), %(first)s, %(horizon)s) AS o
    JOIN scale_centre c ON c.id = o.centre_id
    ORDER BY o.centre_id, o.day, o.starts
    """,
]

TALLIES = [
    # One row per opening hour that took place, up to yesterday.
    """
    INSERT INTO centres_visitcount (centre_id, date, hour, kind, visits, new_visits)
    SELECT centre_id, day, hour, kind, visits,
        CASE WHEN random() < 0.08 THEN least(visits, 1) ELSE 0 END
    FROM (
        SELECT o.centre_id, o.day, h AS hour,
            CASE o.kind WHEN 'staffed' THEN 'staffed' ELSE 'user_run' END AS kind,
            floor(random() * (CASE o.kind WHEN 'staffed' THEN 2 * o.size ELSE o.size END
                               + 1))::int AS visits
        FROM scale_opening o
        CROSS JOIN LATERAL generate_series(extract(hour FROM o.starts)::int,
                                           extract(hour FROM o.ends)::int - 1) AS h
        WHERE o.happened AND o.day <= %(last)s::date
    ) t
    """,
    # A census each quarter.
    """
    INSERT INTO centres_census (centre_id, date, weekly, monthly, occasional)
    SELECT c.id, d::date, c.size * 3 + floor(random() * 10)::int,
        c.size * 2 + floor(random() * 10)::int, c.size + floor(random() * 15)::int
    FROM scale_centre c,
        generate_series(%(first)s::date, %(last)s::date, interval '3 months') AS d
    """,
]

SHIFTS = [
    # Staffed openings have two staff members, one in about one opening in six; from half
    # an hour before opening until a quarter of an hour after closing. Rotas go back a
    # year only: filling the no-overlap exclusion index is by far the slowest insert, and
    # older rotas are not read.
    """
    INSERT INTO centres_shift (centre_id, worker_id, starts, ends)
    SELECT o.centre_id, u.id, o.start_at - interval '30 minutes',
        o.end_at + interval '15 minutes'
    FROM (SELECT *, CASE WHEN random() < 0.17 THEN 1 ELSE 2 END AS workers
          FROM scale_opening
          WHERE kind = 'staffed' AND day > %(today)s::date - %(shift_days)s::int) o
    CROSS JOIN LATERAL generate_series(0, o.workers - 1) AS j
    JOIN scale_user u ON u.centre_idx = o.centre_idx
        AND u.k = mod(o.day - %(first)s::date + j, %(staff_per_centre)s)
    """,
    # A weekly rota of today's staffed hours before the one-off shifts begin (the two
    # must not plan one person twice): the centre's first two staff members over the
    # whole opening; the third of them away a week now and then, and one day's opening
    # in each organisation turned "maybe open" for want of staff.
    """
    INSERT INTO centres_rotashift (centre_id, worker_id, weekday, starts, ends, valid_from,
        valid_until)
    SELECT h.centre_id, u.id, h.weekday, h.starts, h.ends,
        %(today)s::date - %(shift_days)s::int - 365, %(today)s::date - %(shift_days)s::int
    FROM centres_openinghours h
    JOIN scale_centre c ON c.id = h.centre_id
    JOIN scale_user u ON u.centre_idx = c.idx AND u.k < 2
    WHERE h.kind = 'staffed' AND h.valid_until IS NULL
    """,
    """
    INSERT INTO centres_staffabsence (worker_id, first_day, last_day, reason)
    SELECT u.id, d::date, d::date + 4, (ARRAY['sick', 'holiday', 'course'])[1 + mod(u.k, 3)]
    FROM scale_user u,
        generate_series(%(today)s::date - 180, %(today)s::date + 30, interval '10 weeks') AS d
    WHERE u.role = 'staff' AND u.k = 2
    """,
    """
    INSERT INTO centres_openingkindchange (centre_id, date, starts, ends, kind)
    SELECT DISTINCT ON (c.org_idx) h.centre_id,
        %(today)s::date + mod(h.weekday - extract(isodow FROM %(today)s::date)::int + 8, 7),
        h.starts, h.ends, 'maybe'
    FROM centres_openinghours h JOIN scale_centre c ON c.id = h.centre_id
    WHERE h.kind = 'staffed' AND h.valid_until IS NULL
    ORDER BY c.org_idx, h.centre_id, h.weekday
    """,
    """
    INSERT INTO centres_shiftfeed (worker_id, token, created_at)
    SELECT u.id, md5(u.username || random()::text) || md5(random()::text), %(first)s::timestamptz
    FROM scale_user u WHERE u.role = 'staff' AND u.k = 0
    """,
]

KEYS = [
    """
    INSERT INTO centres_keyholder (organisation_id, alias, phone, agreement_signed,
        safety_briefing, active)
    SELECT o.id,
        (ARRAY['Malte', 'Kim', 'Lise', 'Ole', 'Tina', 'Per', 'Rikke', 'Søren'])[1 + mod(k, 8)]
            || ' ' || k,
        '', %(first)s::date + k * 30, CASE WHEN k = 2 THEN NULL ELSE %(first)s::date + k * 31 END,
        k <> %(key_holders)s
    FROM scale_org o, generate_series(1, %(key_holders)s) AS k
    ORDER BY o.idx, k
    """,
    """
    CREATE TEMP TABLE scale_keyholder ON COMMIT DROP AS
    SELECT h.id, o.idx AS org_idx,
        row_number() OVER (PARTITION BY h.organisation_id ORDER BY h.id) - 1 AS k
    FROM centres_keyholder h JOIN scale_org o ON o.id = h.organisation_id
    WHERE h.active
    """,
    "CREATE INDEX ON scale_keyholder (org_idx, k)",
    """
    INSERT INTO centres_keyfob (organisation_id, number, status, status_changed)
    SELECT c.organisation_id, 'B-' || c.idx || '-' || k,
        CASE WHEN mod(c.idx + k, 15) = 0 THEN 'lost' WHEN mod(c.idx + k, 15) = 1 THEN 'retired'
            ELSE 'active' END,
        CASE WHEN mod(c.idx + k, 15) IN (0, 1) THEN %(change)s::date ELSE NULL END
    FROM scale_centre c, generate_series(1, %(fobs)s) AS k
    ORDER BY c.idx, k
    """,
    """
    INSERT INTO centres_keyfob_centres (keyfob_id, centre_id)
    SELECT f.id, c.id FROM centres_keyfob f
    JOIN scale_centre c ON f.number LIKE 'B-' || c.idx || '-%%'
        AND f.organisation_id = c.organisation_id
    """,
    # A returned loan before the change for every fob, an open one after it for active fobs.
    """
    INSERT INTO centres_keyloan (fob_id, holder_id, issued, returned, lost, issued_by_id)
    SELECT f.id, h.id, %(first)s::date + mod(f.id, 60)::int,
        CASE WHEN f.status = 'lost' THEN %(change)s::date ELSE %(change)s::date - 1 END,
        f.status = 'lost', u.id
    FROM centres_keyfob f
    JOIN scale_org o ON o.id = f.organisation_id
    JOIN scale_keyholder h ON h.org_idx = o.idx AND h.k = mod(f.id, %(key_holders)s - 1)
    JOIN scale_user u ON u.org_idx = o.idx AND u.role = 'leader'
    UNION ALL
    SELECT f.id, h.id, %(change)s::date + mod(f.id, 30)::int, NULL, false, u.id
    FROM centres_keyfob f
    JOIN scale_org o ON o.id = f.organisation_id
    JOIN scale_keyholder h ON h.org_idx = o.idx AND h.k = mod(f.id + 1, %(key_holders)s - 1)
    JOIN scale_user u ON u.org_idx = o.idx AND u.role = 'leader'
    WHERE f.status = 'active'
    """,
    # User-run and maybe-open slots get a responsible key holder; past ones are recorded.
    """
    INSERT INTO centres_userrunopening (centre_id, starts, ends, key_holder_id, took_place,
        visitors, locked_properly, unsafe_event, recorded_at)
    SELECT o.centre_id, o.start_at, o.end_at, h.id,
        CASE WHEN o.day < %(today)s::date THEN o.happened END,
        CASE WHEN o.day < %(today)s::date AND o.happened
            THEN floor(random() * o.size * 2)::int END,
        CASE WHEN o.day < %(today)s::date AND o.happened THEN random() > 0.02 END,
        CASE WHEN o.day < %(today)s::date AND o.happened THEN random() < 0.01 END,
        CASE WHEN o.day < %(today)s::date THEN o.end_at + interval '1 hour' END
    FROM scale_opening o
    JOIN scale_keyholder h ON h.org_idx = o.org_idx
        AND h.k = mod(o.day - %(first)s::date, %(key_holders)s - 1)
    WHERE o.kind <> 'staffed'
    """,
]


# One tablet by the door per centre, paired on the first day by the leader.
KIOSKS = [
    """
    INSERT INTO centres_kioskdevice (centre_id, name, code_hash, token_hash, paired_at,
        last_seen, created_by_id, created_at)
    SELECT c.id, 'Tablet ved kaffen', '', md5(c.id::text || random()::text) || md5(random()::text),
        %(first)s::timestamptz, %(first)s::timestamptz, l.id, %(first)s::timestamptz
    FROM scale_centre c
    JOIN LATERAL (
        SELECT u.id FROM scale_user u
        WHERE u.org_idx = c.org_idx AND u.role = 'leader' ORDER BY u.id LIMIT 1
    ) l ON true
    ORDER BY c.id
    """,
]


def seed(cursor, plan):
    """Create organisations, centres, people, hours, tallies, shifts and keys."""
    pattern_rows = ", ".join(f"({v}, {p}, {d}, {a}, {b}, '{k}')" for v, p, d, a, b, k in PATTERNS)
    cursor.execute(
        "CREATE TEMP TABLE scale_pattern ON COMMIT DROP AS SELECT * FROM (VALUES "
        f"{pattern_rows}) AS t(variant, period, weekday, from_hour, until_hour, kind)"
    )
    run(cursor, plan, ORGANISATIONS_AND_CENTRES)
    run(cursor, plan, PEOPLE)
    run(cursor, plan, HOURS_AND_CLOSURES)
    run(cursor, plan, TALLIES)
    run(cursor, plan, SHIFTS)
    run(cursor, plan, KEYS)
    run(cursor, plan, KIOSKS)
    # The opening months that have ended, as the nightly job keeps them.
    cursor.execute("SELECT centres_keep_opening_months(%s)", [plan.today.replace(day=1)])
