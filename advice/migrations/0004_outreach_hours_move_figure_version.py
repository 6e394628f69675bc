from django.db import migrations

# The SQL as this migration ran it, written out so that the migration does not
# depend on application code that may change or go.
SQL = """CREATE TRIGGER advice_outreachhours_figures_insert AFTER INSERT ON advice_outreachhours REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id');
CREATE TRIGGER advice_outreachhours_figures_update AFTER UPDATE ON advice_outreachhours REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id');
CREATE TRIGGER advice_outreachhours_figures_delete AFTER DELETE ON advice_outreachhours REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id');
CREATE TRIGGER advice_outreachhours_figures_truncate AFTER TRUNCATE ON advice_outreachhours FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('');
CREATE TRIGGER advice_outreachabsence_figures_insert AFTER INSERT ON advice_outreachabsence REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN advice_outreachhours h ON h.id = r.hours_id JOIN centres_centre c ON c.id = h.centre_id');
CREATE TRIGGER advice_outreachabsence_figures_update AFTER UPDATE ON advice_outreachabsence REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN advice_outreachhours h ON h.id = r.hours_id JOIN centres_centre c ON c.id = h.centre_id');
CREATE TRIGGER advice_outreachabsence_figures_delete AFTER DELETE ON advice_outreachabsence REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN advice_outreachhours h ON h.id = r.hours_id JOIN centres_centre c ON c.id = h.centre_id');
CREATE TRIGGER advice_outreachabsence_figures_truncate AFTER TRUNCATE ON advice_outreachabsence FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('');"""

REVERSE_SQL = """DROP TRIGGER advice_outreachhours_figures_insert ON advice_outreachhours;
DROP TRIGGER advice_outreachhours_figures_update ON advice_outreachhours;
DROP TRIGGER advice_outreachhours_figures_delete ON advice_outreachhours;
DROP TRIGGER advice_outreachhours_figures_truncate ON advice_outreachhours;
DROP TRIGGER advice_outreachabsence_figures_insert ON advice_outreachabsence;
DROP TRIGGER advice_outreachabsence_figures_update ON advice_outreachabsence;
DROP TRIGGER advice_outreachabsence_figures_delete ON advice_outreachabsence;
DROP TRIGGER advice_outreachabsence_figures_truncate ON advice_outreachabsence;"""



class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0008_figure_versions"),
        ("advice", "0003_past_contacts_move_figures"),
    ]

    operations = [
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]

