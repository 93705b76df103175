from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "mpp.integrations"
    label = "integrations"
    verbose_name = _("Integrasi dengan sistem lain")

    def ready(self) -> None:
        from mpp.accounts.extensions import profile_sections, registration_checks
        from mpp.deadlines.registry import sweeps
        from mpp.integrations import dukcapil, satusehat, services
        from mpp.integrations.models import Verification
        from mpp.integrations.selectors import identity_section

        dukcapil.register()
        satusehat.register()
        sweeps.register(Verification, step=services.retry_due_verifications)
        registration_checks.register("integrations.dukcapil", services.check_new_citizen)
        profile_sections.register("integrations.identity", identity_section)
