from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "mpp.complaints"
    label = "complaints"
    verbose_name = _("Pengaduan dan konsultasi")

    def ready(self) -> None:
        from mpp.catalog.extensions import service_page_sections
        from mpp.complaints import hooks, notification_kinds, services
        from mpp.complaints.models import Complaint, ComplaintClock
        from mpp.complaints.selectors import service_faq_section
        from mpp.deadlines.registry import sweeps

        notification_kinds.register_kinds()
        hooks.register()
        # The desk's and the agency's clock on the complaint row; then the reply window, the
        # whole-case limit and the second escalation on the complaint's other clocks.
        sweeps.register(Complaint, step=services.sweep_step)
        sweeps.register(ComplaintClock, step=services.sweep_clocks)
        service_page_sections.register("complaints.faq", service_faq_section)
