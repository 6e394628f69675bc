import datetime

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The years of public holidays the SQL opening rules know (centres.PublicHoliday).
HOLIDAY_YEARS = (1990, 2100)


class CentresConfig(AppConfig):
    name = "centres"
    verbose_name = _("Centres")

    def ready(self):
        from centres import recounts, ui  # noqa: F401 (the summaries' recounts, the receivers)

        post_migrate.connect(keep_opening_rules, sender=self)


def keep_opening_rules(using, **kwargs):
    """After every migrate: the public holidays of centres.calendar_days copied for SQL
    (the triggers recount the months of a holiday added or taken away), and the opening
    months that have ended kept (centres.stats.keep_opening_months)."""
    from centres.models import PublicHoliday
    from centres.stats import keep_opening_months

    if PublicHoliday._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the holidays were kept
    sync_public_holidays(using)
    keep_opening_months(timezone.localdate())


def sync_public_holidays(using="default"):
    """Make centres.PublicHoliday hold the Danish holidays of HOLIDAY_YEARS; return the
    dates added and taken away."""
    from centres.calendar_days import danish_holidays
    from centres.models import PublicHoliday

    first, last = (datetime.date(HOLIDAY_YEARS[0], 1, 1), datetime.date(HOLIDAY_YEARS[1], 12, 31))
    wanted = danish_holidays(first, last)
    kept = dict(PublicHoliday.objects.using(using).values_list("date", "name"))
    gone = [day for day in kept if day not in wanted]
    new = [PublicHoliday(date=day, name=name) for day, name in wanted.items() if day not in kept]
    renamed = [
        PublicHoliday(date=day, name=name)
        for day, name in wanted.items()
        if day in kept and kept[day] != name
    ]
    PublicHoliday.objects.using(using).filter(date__in=gone).delete()
    PublicHoliday.objects.using(using).bulk_create(new)
    PublicHoliday.objects.using(using).bulk_update(renamed, ["name"])
    return [holiday.date for holiday in new], gone
