from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "mpp.cases"
    label = "cases"
    verbose_name = _("Permohonan")

    def ready(self) -> None:
        from django.db.models import Q

        from mpp.cases import hooks, notification_kinds, services
        from mpp.cases.models import Application
        from mpp.cases.workflow import UNDECIDED
        from mpp.deadlines.registry import sweeps

        notification_kinds.register_kinds()
        from mpp.accounts import sign_in_reasons
        from mpp.cases.selectors import sign_in_reason

        sign_in_reasons.register("cases:start", sign_in_reason)
        hooks.register()
        from mpp.cases import sip
        from mpp.integrations.services import settled_listeners

        settled_listeners.add(sip.PURPOSE, sip.on_settled)
        # Undecided fiktif-positif applications past due are approved by the step, not flagged.
        sweeps.register(
            Application,
            skip=Q(service_version__auto_approve=True, status__in=UNDECIDED),
            step=services.sweep_step,
        )
