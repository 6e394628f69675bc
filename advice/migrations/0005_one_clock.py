"""One clock: advice contacts ask the app what today is, as the tally does (centres 0012).

A contact, or a topic of a contact, dated before the app's today moves the figure
version; so does every one when the app gave no moment.
"""

from django.db import migrations

# The SQL as this migration ran it, written out so that the migration does not
# depend on application code that may change or go.
SQL_1 = """
CREATE OR REPLACE FUNCTION advice_contact_touch_figures() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE centres_day_is_past(r.date)) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM old_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE centres_day_is_past(r.date)) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE centres_day_is_past(r.date) UNION SELECT c.organisation_id FROM old_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE centres_day_is_past(r.date)) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSE
        UPDATE centres_figureversion SET version = nextval('centres_figureversion_seq');
    END IF;
    RETURN NULL;
END
$body$;
"""

REVERSE_SQL_1 = """
CREATE OR REPLACE FUNCTION advice_contact_touch_figures() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM old_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date UNION SELECT c.organisation_id FROM old_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSE
        UPDATE centres_figureversion SET version = nextval('centres_figureversion_seq');
    END IF;
    RETURN NULL;
END
$body$;
"""

SQL_2 = """
CREATE OR REPLACE FUNCTION advice_contacttopic_touch_figures() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id WHERE centres_day_is_past(x.date)) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM old_rows r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id WHERE centres_day_is_past(x.date)) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id WHERE centres_day_is_past(x.date) UNION SELECT c.organisation_id FROM old_rows r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id WHERE centres_day_is_past(x.date)) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSE
        UPDATE centres_figureversion SET version = nextval('centres_figureversion_seq');
    END IF;
    RETURN NULL;
END
$body$;
"""

REVERSE_SQL_2 = """
CREATE OR REPLACE FUNCTION advice_contacttopic_touch_figures() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id WHERE x.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM old_rows r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id WHERE x.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id WHERE x.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date UNION SELECT c.organisation_id FROM old_rows r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id WHERE x.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSE
        UPDATE centres_figureversion SET version = nextval('centres_figureversion_seq');
    END IF;
    RETURN NULL;
END
$body$;
"""



class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0004_outreach_hours_move_figure_version"),
        ("centres", "0012_one_clock"),
    ]

    operations = [
        migrations.RunSQL(SQL_1, REVERSE_SQL_1),
        migrations.RunSQL(SQL_2, REVERSE_SQL_2),
    ]

