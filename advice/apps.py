from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = _("Advice and guidance")

    def ready(self):
        from advice.week_plan import week_plan_entries
        from centres.openings import add_week_plan_provider

        add_week_plan_provider(week_plan_entries)
