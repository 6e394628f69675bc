"""Advice contacts move the figure version only when dated before today.

Only past periods are kept rendered, and the current period's year-earlier figures: no
kept figure holds a contact of today, just as none holds a tap of today. A contact
recorded today for today (most of them) now leaves the organisation's kept dashboards
alone; one recorded for an earlier day, or moved from one, still moves the version.
The triggers get functions of their own (static SQL, planned once per connection).
"""

import importlib

from django.db import migrations

from centres import figure_versions as fv

# The local day after which a row's date counted as past, by the database server's clock
# and five minutes early (replaced by the app's clock in centres 0012).
TOMORROW_SOON = (
    "((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date"
)

earlier = importlib.import_module("advice.migrations.0002_figure_versions")

PAST = {
    "advice_contact": f"{fv.VIA_CENTRE} WHERE r.date < {TOMORROW_SOON}",
    "advice_contacttopic": (
        f"{earlier.TABLES['advice_contacttopic']} WHERE x.date < {TOMORROW_SOON}"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0002_figure_versions"),
        ("centres", "0011_static_visit_triggers"),
    ]

    operations = [
        migrations.RunSQL(
            fv.install_static_sql(table, query), fv.remove_static_sql(table, earlier.TABLES[table])
        )
        for table, query in PAST.items()
    ]
