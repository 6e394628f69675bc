from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from activities.signals import replan_centre
        from activities.week_plan import week_plan_entries
        from centres.models import Closure, OpenDay
        from centres.openings import add_week_plan_provider

        add_week_plan_provider(week_plan_entries)
        for model in (Closure, OpenDay):
            post_save.connect(replan_centre, sender=model, dispatch_uid=f"replan-{model.__name__}")
            post_delete.connect(
                replan_centre, sender=model, dispatch_uid=f"replan-{model.__name__}-delete"
            )
