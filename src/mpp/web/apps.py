from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "mpp.web"
    verbose_name = _("Tampilan web")

    def ready(self) -> None:
        from django.urls import register_converter

        from mpp.web.converters import IdConverter

        # ``<id:pk>`` in every app's URLs (registered before any URLconf is loaded).
        register_converter(IdConverter, "id")
