from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

# An account saved with only these fields changed keeps its name (a sign-in saves
# last_login), so its hours need no look.
NAME_FIELDS = frozenset({"first_name", "username"})


def follow_account_name(sender, instance, update_fields=None, raw=False, **kwargs):
    """Keep the display name of a worker's hours the account's name: the kept calendar
    and the week plans read the stored name (see OutreachHours)."""
    if raw or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    from advice.models import OutreachHours

    OutreachHours.objects.follow_account_name(instance)


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = _("Advice and guidance")

    def ready(self):
        from advice import ui, week_plan  # noqa: F401 (connect the receivers)

        post_save.connect(
            follow_account_name, sender=settings.AUTH_USER_MODEL, dispatch_uid="advice-name"
        )
