"""The three work-injury report rules in force today, as data.

Valid from 1 July 2022, not 3 June 2022 (the date of BEK nr. 799): an executive order
binds from its commencement, not from the day it is signed, and 1 July 2022 is taken as
that commencement; confirm it on retsinformation.dk when the next rule is added. Injuries
before that day have no rule here, and the pages say so rather than show a deadline from a
law that did not yet apply. The absence rule is BEK nr. 799 af 2022 § 1; treatment costs
without absence and a death are BEK nr. 941 af 2022 § 9, stk. 2 and 3.

A later change (the announced threshold of three days of absence) is a new migration like
this one: end these rows the day before with valid_until and add the new ones.
"""

import datetime

from django.db import migrations

VALID_FROM = datetime.date(2022, 7, 1)
BEK_799 = "https://www.retsinformation.dk/eli/lta/2022/799"
BEK_941 = "https://www.retsinformation.dk/eli/lta/2022/941"
RULES = [
    ("absence", datetime.timedelta(days=14), 1, "BEK nr. 799 af 2022, § 1", BEK_799),
    ("treatment", datetime.timedelta(days=14), None, "BEK nr. 941 af 2022, § 9, stk. 2", BEK_941),
    ("death", datetime.timedelta(hours=48), None, "BEK nr. 941 af 2022, § 9, stk. 3", BEK_941),
]


def add_rules(apps, schema_editor):
    WorkInjuryRule = apps.get_model("incidents", "WorkInjuryRule")
    for case, period, threshold, source, url in RULES:
        WorkInjuryRule.objects.get_or_create(
            case=case,
            valid_from=VALID_FROM,
            defaults={
                "period": period,
                "absence_threshold_days": threshold,
                "legal_source": source,
                "url": url,
            },
        )


def remove_rules(apps, schema_editor):
    WorkInjuryRule = apps.get_model("incidents", "WorkInjuryRule")
    WorkInjuryRule.objects.filter(valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_work_injury_rules"),
    ]

    operations = [migrations.RunPython(add_rules, remove_rules)]
