from django.db import migrations

from centres import figure_versions as fv

# The calendar's days are kept under the organisation's figure version
# (activities.views), so every table behind its events moves it: meetings too.
TABLES = {"activities_meeting": fv.DIRECT}


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0008_figure_versions"),
        ("activities", "0003_figure_versions"),
    ]

    operations = [
        migrations.RunSQL(fv.install_all(TABLES), fv.remove_all(TABLES)),
    ]
