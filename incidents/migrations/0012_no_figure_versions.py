"""The figure-version triggers go: the dashboard and the calendar keep nothing that a
version would have to invalidate. Not reversible (the triggers' SQL is in incidents
migrations 0003, should it ever be wanted again).
"""

from django.db import migrations

SQL = """
DROP TRIGGER incidents_incident_figures_delete ON incidents_incident;
DROP TRIGGER incidents_incident_figures_insert ON incidents_incident;
DROP TRIGGER incidents_incident_figures_truncate ON incidents_incident;
DROP TRIGGER incidents_incident_figures_update ON incidents_incident;
DROP TRIGGER incidents_followupitem_figures_delete ON incidents_followupitem;
DROP TRIGGER incidents_followupitem_figures_insert ON incidents_followupitem;
DROP TRIGGER incidents_followupitem_figures_truncate ON incidents_followupitem;
DROP TRIGGER incidents_followupitem_figures_update ON incidents_followupitem;
DROP TRIGGER incidents_ban_figures_delete ON incidents_ban;
DROP TRIGGER incidents_ban_figures_insert ON incidents_ban;
DROP TRIGGER incidents_ban_figures_truncate ON incidents_ban;
DROP TRIGGER incidents_ban_figures_update ON incidents_ban;
DROP TRIGGER incidents_riskassessment_figures_delete ON incidents_riskassessment;
DROP TRIGGER incidents_riskassessment_figures_insert ON incidents_riskassessment;
DROP TRIGGER incidents_riskassessment_figures_truncate ON incidents_riskassessment;
DROP TRIGGER incidents_riskassessment_figures_update ON incidents_riskassessment;
"""


class Migration(migrations.Migration):
    dependencies = [
        ('incidents', '0011_reported_on_a_kiosk'),
    ]

    operations = [
        migrations.RunSQL(SQL),
    ]
