"""Figure versions and the caches keyed by them go.

The dashboard, the calendar and the home page work their figures out from the database
on every view (the summary tables are kept exact in the writing transaction), so nothing
is kept that a version would have to invalidate: the triggers, their functions, the
sequence and the table go, and with them the cache tables `migrate` used to make and the
clock functions only those triggers read. Who counts for the two-staff rule still forgets
the opening months (0022), without moving a version. Not reversible: the SQL is in
0008, 0011, 0012, 0021 and 0022, should it ever be wanted again.
"""

from django.db import migrations

SQL = """
DROP TRIGGER centres_centre_figures_delete ON centres_centre;
DROP TRIGGER centres_centre_figures_insert ON centres_centre;
DROP TRIGGER centres_centre_figures_truncate ON centres_centre;
DROP TRIGGER centres_centre_figures_update ON centres_centre;
DROP TRIGGER centres_census_figures_delete ON centres_census;
DROP TRIGGER centres_census_figures_insert ON centres_census;
DROP TRIGGER centres_census_figures_truncate ON centres_census;
DROP TRIGGER centres_census_figures_update ON centres_census;
DROP TRIGGER centres_closure_figures_delete ON centres_closure;
DROP TRIGGER centres_closure_figures_insert ON centres_closure;
DROP TRIGGER centres_closure_figures_truncate ON centres_closure;
DROP TRIGGER centres_closure_figures_update ON centres_closure;
DROP TRIGGER centres_keyfob_figures_delete ON centres_keyfob;
DROP TRIGGER centres_keyfob_figures_insert ON centres_keyfob;
DROP TRIGGER centres_keyfob_figures_truncate ON centres_keyfob;
DROP TRIGGER centres_keyfob_figures_update ON centres_keyfob;
DROP TRIGGER centres_keyholder_figures_delete ON centres_keyholder;
DROP TRIGGER centres_keyholder_figures_insert ON centres_keyholder;
DROP TRIGGER centres_keyholder_figures_truncate ON centres_keyholder;
DROP TRIGGER centres_keyholder_figures_update ON centres_keyholder;
DROP TRIGGER centres_keyloan_figures_delete ON centres_keyloan;
DROP TRIGGER centres_keyloan_figures_insert ON centres_keyloan;
DROP TRIGGER centres_keyloan_figures_truncate ON centres_keyloan;
DROP TRIGGER centres_keyloan_figures_update ON centres_keyloan;
DROP TRIGGER centres_openday_figures_delete ON centres_openday;
DROP TRIGGER centres_openday_figures_insert ON centres_openday;
DROP TRIGGER centres_openday_figures_truncate ON centres_openday;
DROP TRIGGER centres_openday_figures_update ON centres_openday;
DROP TRIGGER centres_openinghours_figures_delete ON centres_openinghours;
DROP TRIGGER centres_openinghours_figures_insert ON centres_openinghours;
DROP TRIGGER centres_openinghours_figures_truncate ON centres_openinghours;
DROP TRIGGER centres_openinghours_figures_update ON centres_openinghours;
DROP TRIGGER centres_shift_figures_delete ON centres_shift;
DROP TRIGGER centres_shift_figures_insert ON centres_shift;
DROP TRIGGER centres_shift_figures_truncate ON centres_shift;
DROP TRIGGER centres_shift_figures_update ON centres_shift;
DROP TRIGGER centres_userrunopening_figures_delete ON centres_userrunopening;
DROP TRIGGER centres_userrunopening_figures_insert ON centres_userrunopening;
DROP TRIGGER centres_userrunopening_figures_truncate ON centres_userrunopening;
DROP TRIGGER centres_userrunopening_figures_update ON centres_userrunopening;
DROP TRIGGER centres_visitcount_figures_delete ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_insert ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_truncate ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_update ON centres_visitcount;
DROP TRIGGER centres_keyfob_centres_figures_delete ON centres_keyfob_centres;
DROP TRIGGER centres_keyfob_centres_figures_insert ON centres_keyfob_centres;
DROP TRIGGER centres_keyfob_centres_figures_truncate ON centres_keyfob_centres;
DROP TRIGGER centres_keyfob_centres_figures_update ON centres_keyfob_centres;
DROP TRIGGER centres_openingkindchange_figures_delete ON centres_openingkindchange;
DROP TRIGGER centres_openingkindchange_figures_insert ON centres_openingkindchange;
DROP TRIGGER centres_openingkindchange_figures_truncate ON centres_openingkindchange;
DROP TRIGGER centres_openingkindchange_figures_update ON centres_openingkindchange;
DROP TRIGGER centres_rotashift_figures_delete ON centres_rotashift;
DROP TRIGGER centres_rotashift_figures_insert ON centres_rotashift;
DROP TRIGGER centres_rotashift_figures_truncate ON centres_rotashift;
DROP TRIGGER centres_rotashift_figures_update ON centres_rotashift;
DROP TRIGGER centres_staffabsence_figures_delete ON centres_staffabsence;
DROP TRIGGER centres_staffabsence_figures_insert ON centres_staffabsence;
DROP TRIGGER centres_staffabsence_figures_truncate ON centres_staffabsence;
DROP TRIGGER centres_staffabsence_figures_update ON centres_staffabsence;
DROP FUNCTION centres_visitcount_touch_figures();
DROP FUNCTION centres_touch_figures();
DROP SEQUENCE centres_figureversion_seq;
DROP FUNCTION centres_day_is_past(date);
DROP FUNCTION vaerested_app_now();

CREATE OR REPLACE FUNCTION centres_counting_staff_changed() RETURNS trigger
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
    RETURN NULL;
END
$body$;

DROP TABLE IF EXISTS vaerested_cache;
DROP TABLE IF EXISTS vaerested_calendar_cache;
DROP TABLE IF EXISTS vaerested_openings_cache;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0027_kiosk_devices"),
        ("activities", "0008_no_figure_versions"),
        ("advice", "0009_no_figure_versions"),
        ("incidents", "0012_no_figure_versions"),
    ]

    operations = [
        migrations.RunSQL(SQL),
        migrations.DeleteModel(name="FigureVersion"),
    ]
