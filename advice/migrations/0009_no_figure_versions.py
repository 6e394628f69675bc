"""The figure-version triggers go: the dashboard and the calendar keep nothing that a
version would have to invalidate. Not reversible (the triggers' SQL is in advice
migrations 0002 to 0005, should it ever be wanted again).
"""

from django.db import migrations

SQL = """
DROP TRIGGER advice_contact_figures_delete ON advice_contact;
DROP TRIGGER advice_contact_figures_insert ON advice_contact;
DROP TRIGGER advice_contact_figures_truncate ON advice_contact;
DROP TRIGGER advice_contact_figures_update ON advice_contact;
DROP TRIGGER advice_outreachhours_figures_delete ON advice_outreachhours;
DROP TRIGGER advice_outreachhours_figures_insert ON advice_outreachhours;
DROP TRIGGER advice_outreachhours_figures_truncate ON advice_outreachhours;
DROP TRIGGER advice_outreachhours_figures_update ON advice_outreachhours;
DROP TRIGGER advice_outreachabsence_figures_delete ON advice_outreachabsence;
DROP TRIGGER advice_outreachabsence_figures_insert ON advice_outreachabsence;
DROP TRIGGER advice_outreachabsence_figures_truncate ON advice_outreachabsence;
DROP TRIGGER advice_outreachabsence_figures_update ON advice_outreachabsence;
DROP TRIGGER advice_topic_figures_delete ON advice_topic;
DROP TRIGGER advice_topic_figures_insert ON advice_topic;
DROP TRIGGER advice_topic_figures_truncate ON advice_topic;
DROP TRIGGER advice_topic_figures_update ON advice_topic;
DROP TRIGGER advice_contacttopic_figures_delete ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_insert ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_truncate ON advice_contacttopic;
DROP TRIGGER advice_contacttopic_figures_update ON advice_contacttopic;
DROP TRIGGER advice_meetingtally_figures_delete ON advice_meetingtally;
DROP TRIGGER advice_meetingtally_figures_insert ON advice_meetingtally;
DROP TRIGGER advice_meetingtally_figures_truncate ON advice_meetingtally;
DROP TRIGGER advice_meetingtally_figures_update ON advice_meetingtally;
DROP FUNCTION advice_contact_touch_figures();
DROP FUNCTION advice_contacttopic_touch_figures();
"""


class Migration(migrations.Migration):
    dependencies = [
        ('advice', '0008_outreach_hours_worker'),
    ]

    operations = [
        migrations.RunSQL(SQL),
    ]
