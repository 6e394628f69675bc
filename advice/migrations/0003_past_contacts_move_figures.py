"""Advice contacts move the figure version only when dated before today.

Only past periods are kept rendered, and the current period's year-earlier figures: no
kept figure holds a contact of today, just as none holds a tap of today. A contact
recorded today for today (most of them) now leaves the organisation's kept dashboards
alone; one recorded for an earlier day, or moved from one, still moves the version.
The triggers get functions of their own (static SQL, planned once per connection).
"""

from django.db import migrations

# The SQL as this migration ran it, written out so that the migration does not
# depend on application code that may change or go.
SQL_1 = """DROP TRIGGER advice_contact_figures_insert ON advice_contact;
DROP TRIGGER advice_contact_figures_update ON advice_contact;
DROP TRIGGER advice_contact_figures_delete ON advice_contact;
DROP TRIGGER advice_contact_figures_truncate ON advice_contact;
CREATE FUNCTION advice_contact_touch_figures() RETURNS trigger
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
CREATE TRIGGER advice_contact_figures_insert AFTER INSERT ON advice_contact REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION advice_contact_touch_figures();
CREATE TRIGGER advice_contact_figures_update AFTER UPDATE ON advice_contact REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION advice_contact_touch_figures();
CREATE TRIGGER advice_contact_figures_delete AFTER DELETE ON advice_contact REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION advice_contact_touch_figures();
CREATE TRIGGER advice_contact_figures_truncate AFTER TRUNCATE ON advice_contact FOR EACH STATEMENT EXECUTE FUNCTION advice_contact_touch_figures();"""

REVERSE_SQL_1 = """DROP TRIGGER advice_contact_figures_insert ON advice_contact;
DROP TRIGGER advice_contact_figures_update ON advice_contact;
DROP TRIGGER advice_contact_figures_delete ON advice_contact;
DROP TRIGGER advice_contact_figures_truncate ON advice_contact;
DROP FUNCTION advice_contact_touch_figures();
CREATE TRIGGER advice_contact_figures_insert AFTER INSERT ON advice_contact REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id');
CREATE TRIGGER advice_contact_figures_update AFTER UPDATE ON advice_contact REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id');
CREATE TRIGGER advice_contact_figures_delete AFTER DELETE ON advice_contact REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id');
CREATE TRIGGER advice_contact_figures_truncate AFTER TRUNCATE ON advice_contact FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('');"""

SQL_2 = """DROP TRIGGER advice_contacttopic_figures_insert ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_update ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_delete ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_truncate ON advice_contacttopic;
CREATE FUNCTION advice_contacttopic_touch_figures() RETURNS trigger
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
CREATE TRIGGER advice_contacttopic_figures_insert AFTER INSERT ON advice_contacttopic REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION advice_contacttopic_touch_figures();
CREATE TRIGGER advice_contacttopic_figures_update AFTER UPDATE ON advice_contacttopic REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION advice_contacttopic_touch_figures();
CREATE TRIGGER advice_contacttopic_figures_delete AFTER DELETE ON advice_contacttopic REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION advice_contacttopic_touch_figures();
CREATE TRIGGER advice_contacttopic_figures_truncate AFTER TRUNCATE ON advice_contacttopic FOR EACH STATEMENT EXECUTE FUNCTION advice_contacttopic_touch_figures();"""

REVERSE_SQL_2 = """DROP TRIGGER advice_contacttopic_figures_insert ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_update ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_delete ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_truncate ON advice_contacttopic;
DROP FUNCTION advice_contacttopic_touch_figures();
CREATE TRIGGER advice_contacttopic_figures_insert AFTER INSERT ON advice_contacttopic REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id');
CREATE TRIGGER advice_contacttopic_figures_update AFTER UPDATE ON advice_contacttopic REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id');
CREATE TRIGGER advice_contacttopic_figures_delete AFTER DELETE ON advice_contacttopic REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN advice_contact x ON x.id = r.contact_id JOIN centres_centre c ON c.id = x.centre_id');
CREATE TRIGGER advice_contacttopic_figures_truncate AFTER TRUNCATE ON advice_contacttopic FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('');"""



class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0002_figure_versions"),
        ("centres", "0011_static_visit_triggers"),
    ]

    operations = [
        migrations.RunSQL(SQL_1, REVERSE_SQL_1),
        migrations.RunSQL(SQL_2, REVERSE_SQL_2),
    ]

