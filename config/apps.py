from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Værested"

    def ready(self):
        from config import calendar_sources, two_factor  # noqa: F401 (connect their signals)
        from config.lookups import register_array_lookups

        register_array_lookups()
