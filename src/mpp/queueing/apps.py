from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "mpp.queueing"
    label = "queueing"
    verbose_name = _("Antrean")

    def ready(self) -> None:
        from mpp.catalog.extensions import service_page_sections
        from mpp.queueing import devices, hooks, notification_kinds
        from mpp.queueing.selectors import service_queue_section

        notification_kinds.register_kinds()
        hooks.register()
        devices.register_kinds()
        service_page_sections.register("queueing.book", service_queue_section)
