from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "mpp.deadlines"
    label = "deadlines"
    verbose_name = _("Batas waktu")

    def ready(self) -> None:
        from mpp.deadlines import request_ids

        request_ids.connect()
