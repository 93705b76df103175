from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "mpp.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring dan evaluasi")

    def ready(self) -> None:
        from mpp.monitoring.notification_kinds import register_kinds

        register_kinds()
