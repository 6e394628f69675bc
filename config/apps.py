from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using="default", **kwargs):
    """The shared cache's table (settings.CACHES), made by every `migrate` if missing."""
    call_command("createcachetable", database=using, verbosity=0)


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Værested"

    def ready(self):
        from config import calendar_sources, two_factor  # noqa: F401 (connect their signals)

        # Sent per app with models; config has none, centres is always there.
        post_migrate.connect(create_cache_table, sender=self.apps.get_app_config("centres"))
