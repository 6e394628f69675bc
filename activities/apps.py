from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from activities import ui, week_plan  # noqa: F401 (connect the receivers)
        from activities.signals import replan_centre
        from centres.models import Closure, OpenDay

        for model in (Closure, OpenDay):
            post_save.connect(replan_centre, sender=model, dispatch_uid=f"replan-{model.__name__}")
            post_delete.connect(
                replan_centre, sender=model, dispatch_uid=f"replan-{model.__name__}-delete"
            )
