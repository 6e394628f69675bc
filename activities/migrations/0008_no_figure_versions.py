"""The figure-version triggers go: the dashboard and the calendar keep nothing that a
version would have to invalidate. Not reversible (the triggers' SQL is in activities
migrations 0003 and 0004, should it ever be wanted again).
"""

from django.db import migrations

SQL = """
DROP TRIGGER activities_activity_figures_delete ON activities_activity;
DROP TRIGGER activities_activity_figures_insert ON activities_activity;
DROP TRIGGER activities_activity_figures_truncate ON activities_activity;
DROP TRIGGER activities_activity_figures_update ON activities_activity;
DROP TRIGGER activities_activity_centres_figures_delete ON activities_activity_centres;
DROP TRIGGER activities_activity_centres_figures_insert ON activities_activity_centres;
DROP TRIGGER activities_activity_centres_figures_truncate ON activities_activity_centres;
DROP TRIGGER activities_activity_centres_figures_update ON activities_activity_centres;
DROP TRIGGER activities_meeting_figures_delete ON activities_meeting;
DROP TRIGGER activities_meeting_figures_insert ON activities_meeting;
DROP TRIGGER activities_meeting_figures_truncate ON activities_meeting;
DROP TRIGGER activities_meeting_figures_update ON activities_meeting;
DROP TRIGGER activities_occurrence_figures_delete ON activities_occurrence;
DROP TRIGGER activities_occurrence_figures_insert ON activities_occurrence;
DROP TRIGGER activities_occurrence_figures_truncate ON activities_occurrence;
DROP TRIGGER activities_occurrence_figures_update ON activities_occurrence;
"""


class Migration(migrations.Migration):
    dependencies = [
        ('activities', '0007_plausible_dates'),
    ]

    operations = [
        migrations.RunSQL(SQL),
    ]
