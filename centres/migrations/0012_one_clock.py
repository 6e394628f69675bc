"""One clock: the tally's figure-version trigger asks the app what today is.

Until now the trigger decided whether a tap changed a past day with PostgreSQL's own
clock (clock_timestamp()), while the app decided the same with Python's: the two could
disagree at midnight, with a drifting server clock, and in every test that froze time.
The app now shares its moment with each transaction (centres.clock.share, setting
`vaerested.now`); vaerested_app_now() reads it, NULL when the app said nothing, and
centres_day_is_past() then counts every day as past, so a write the app did not date
moves the version (a kept page is worked out again, never served stale).

Self-contained: the SQL is written out here, not built from application code.
"""

from django.db import migrations

APP_NOW = """
CREATE FUNCTION vaerested_app_now() RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('vaerested.now', true), '')::timestamptz
$$;

-- A day counts as past from five minutes before its midnight, so that a transaction still
-- open at midnight moves the version too; every day is past when the app gave no moment.
CREATE FUNCTION centres_day_is_past(day date) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT day < coalesce(
        ((vaerested_app_now() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date,
        'infinity'::date
    )
$$;
"""

REMOVE_APP_NOW = """
DROP FUNCTION centres_day_is_past(date);
DROP FUNCTION vaerested_app_now();
"""

# The condition the triggers used before, to go back to.
SERVER_CLOCK_PAST = (
    "%s < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date"
)
APP_CLOCK_PAST = "centres_day_is_past(%s)"

TOUCH = """        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM ({rows}) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;"""


def touch_function(name, query):
    """A figure-version trigger function with `query` (organisation ids of the changed
    rows, {rows} naming the transition table) written into its body."""
    insert = query.format(rows="new_rows")
    delete = query.format(rows="old_rows")
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
{TOUCH.format(rows=insert)}
    ELSIF TG_OP = 'DELETE' THEN
{TOUCH.format(rows=delete)}
    ELSIF TG_OP = 'UPDATE' THEN
{TOUCH.format(rows=f"{insert} UNION {delete}")}
    ELSE
        UPDATE centres_figureversion SET version = nextval('centres_figureversion_seq');
    END IF;
    RETURN NULL;
END
$body$;
"""


def past_visits(past):
    return (
        "SELECT c.organisation_id FROM {rows} r JOIN centres_centre c ON c.id = r.centre_id "
        f"WHERE {past % 'r.date'}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0011_static_visit_triggers"),
    ]

    operations = [
        migrations.RunSQL(APP_NOW, REMOVE_APP_NOW),
        migrations.RunSQL(
            touch_function("centres_visitcount_touch_figures", past_visits(APP_CLOCK_PAST)),
            touch_function("centres_visitcount_touch_figures", past_visits(SERVER_CLOCK_PAST)),
        ),
    ]
