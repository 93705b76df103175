from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "mpp.web"
    verbose_name = _("Tampilan web")

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.urls import register_converter

        from mpp import requestid
        from mpp.complaints.registry import register_application_lookup
        from mpp.queueing.registry import register_application_lookup as register_queue_lookup
        from mpp.web import queue_links
        from mpp.web.complaint_links import find_own_application
        from mpp.web.converters import IdConverter

        register_application_lookup(find_own_application)
        register_queue_lookup(queue_links.application_at)

        # ``<id:pk>`` in every app's URLs (registered before any URLconf is loaded).
        register_converter(IdConverter, "id")
        request_finished.connect(requestid.clear, dispatch_uid="mpp_clear_request_id")
