"""One clock: advice contacts ask the app what today is, as the tally does (centres 0012).

A contact, or a topic of a contact, dated before the app's today moves the figure
version; so does every one when the app gave no moment.
"""

import importlib

from django.db import migrations

clock = importlib.import_module("centres.migrations.0012_one_clock")


def past_contacts(past):
    return (
        "SELECT c.organisation_id FROM {rows} r JOIN centres_centre c ON c.id = r.centre_id "
        f"WHERE {past % 'r.date'}"
    )


def past_contact_topics(past):
    return (
        "SELECT c.organisation_id FROM {rows} r JOIN advice_contact x ON x.id = r.contact_id "
        f"JOIN centres_centre c ON c.id = x.centre_id WHERE {past % 'x.date'}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0004_outreach_hours_move_figure_version"),
        ("centres", "0012_one_clock"),
    ]

    operations = [
        migrations.RunSQL(
            clock.touch_function(function, query(clock.APP_CLOCK_PAST)),
            clock.touch_function(function, query(clock.SERVER_CLOCK_PAST)),
        )
        for function, query in (
            ("advice_contact_touch_figures", past_contacts),
            ("advice_contacttopic_touch_figures", past_contact_topics),
        )
    ]
