from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "mpp.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring dan evaluasi")

    def ready(self) -> None:
        from mpp.deadlines.registry import sweeps
        from mpp.monitoring import hooks, services
        from mpp.monitoring.models import LocusReport
        from mpp.monitoring.notification_kinds import register_kinds

        register_kinds()
        hooks.register()
        # Reports still unsent after 23.59 local time of the deadline day are flagged; the step
        # sends the reminders before the deadline.
        sweeps.register(LocusReport, step=services.sweep_step)
