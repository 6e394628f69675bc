from django.db import migrations

from centres import figure_versions as fv

# The activities calendar shows outreach hours, less absences, and keeps its days under
# the organisation's figure version: both tables move it.
TABLES = {
    "advice_outreachhours": fv.VIA_CENTRE,
    "advice_outreachabsence": (
        "SELECT c.organisation_id FROM %1$s r JOIN advice_outreachhours h ON h.id = r.hours_id"
        " JOIN centres_centre c ON c.id = h.centre_id"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0008_figure_versions"),
        ("advice", "0003_past_contacts_move_figures"),
    ]

    operations = [
        migrations.RunSQL(fv.install_all(TABLES), fv.remove_all(TABLES)),
    ]
