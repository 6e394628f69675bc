from django.db import migrations

# The SQL as this migration ran it, written out so that the migration does not
# depend on application code that may change or go.
SQL = """CREATE TRIGGER activities_meeting_figures_insert AFTER INSERT ON activities_meeting REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT organisation_id FROM %1$s');
CREATE TRIGGER activities_meeting_figures_update AFTER UPDATE ON activities_meeting REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT organisation_id FROM %1$s');
CREATE TRIGGER activities_meeting_figures_delete AFTER DELETE ON activities_meeting REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT organisation_id FROM %1$s');
CREATE TRIGGER activities_meeting_figures_truncate AFTER TRUNCATE ON activities_meeting FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('');"""

REVERSE_SQL = """DROP TRIGGER activities_meeting_figures_insert ON activities_meeting;
DROP TRIGGER activities_meeting_figures_update ON activities_meeting;
DROP TRIGGER activities_meeting_figures_delete ON activities_meeting;
DROP TRIGGER activities_meeting_figures_truncate ON activities_meeting;"""



class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0008_figure_versions"),
        ("activities", "0003_figure_versions"),
    ]

    operations = [
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]

