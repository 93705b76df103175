from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "mpp.reporting"
    label = "reporting"
    verbose_name = _("Pelaporan kinerja")

    def ready(self) -> None:
        from mpp.reporting import facts

        # Every mpp/reporting/facts/<process>.py registers its source and its workflow hooks.
        facts.autodiscover()
