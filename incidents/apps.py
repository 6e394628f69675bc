from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from centres.hooks import add_fob_flag_provider, add_unsafe_report_url
        from incidents.hooks import fob_flags, unsafe_report_url

        add_fob_flag_provider(fob_flags)
        add_unsafe_report_url(unsafe_report_url)
