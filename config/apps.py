from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Værested"

    def ready(self):
        from config import calendar_sources, lookups, two_factor  # noqa: F401 (signals)

        lookups.register()
