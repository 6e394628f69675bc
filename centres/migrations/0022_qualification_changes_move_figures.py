from django.db import migrations

# The SQL as this migration ran it, written out so that the migration does not
# depend on application code that may change or go.
SQL = """
CREATE FUNCTION centres_counting_staff_changed() RETURNS trigger
LANGUAGE plpgsql AS $body$
DECLARE
    organisations bigint[];
BEGIN
    IF TG_TABLE_NAME = 'centres_organisation' THEN
        organisations := ARRAY[NEW.id];
    ELSE
        organisations := ARRAY[OLD.organisation_id, NEW.organisation_id];
    END IF;
    -- 79770: the first key of these locks (centres.stats.OPENING_MONTH_LOCK).
    PERFORM count(pg_advisory_xact_lock_shared(79770, id::int)) FROM (
        SELECT id FROM centres_centre WHERE organisation_id = ANY(organisations) ORDER BY 1
    ) AS centres;
    DELETE FROM centres_openingmonth m USING centres_centre c
    WHERE m.centre_id = c.id AND c.organisation_id = ANY(organisations);
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT unnest(organisations)) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END
$body$;

CREATE TRIGGER centres_user_counting_staff AFTER UPDATE ON centres_user FOR EACH ROW
WHEN (OLD.qualification IS DISTINCT FROM NEW.qualification
      OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
EXECUTE FUNCTION centres_counting_staff_changed();

CREATE TRIGGER centres_organisation_counting_staff AFTER UPDATE ON centres_organisation
FOR EACH ROW
WHEN (OLD.qualifications_for_two_staff IS DISTINCT FROM NEW.qualifications_for_two_staff)
EXECUTE FUNCTION centres_counting_staff_changed();
"""

REVERSE_SQL = """
DROP TRIGGER centres_organisation_counting_staff ON centres_organisation;
DROP TRIGGER centres_user_counting_staff ON centres_user;
DROP FUNCTION centres_counting_staff_changed();
"""



class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0021_rota_absences_day_kinds"),
    ]

    operations = [
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]

