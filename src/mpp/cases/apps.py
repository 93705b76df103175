from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "mpp.cases"
    label = "cases"
    verbose_name = _("Permohonan")

    def ready(self) -> None:
        from mpp.cases import notification_kinds

        notification_kinds.register_kinds()
