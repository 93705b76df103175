from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "mpp.integrations"
    label = "integrations"
    verbose_name = _("Integrasi dengan sistem lain")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from mpp.accounts.extensions import profile_sections, registration_checks
        from mpp.deadlines.registry import sweeps
        from mpp.integrations import dukcapil, satusehat, services
        from mpp.integrations.models import ConnectorConfig, Verification
        from mpp.integrations.selectors import identity_section

        dukcapil.register()
        satusehat.register()
        sweeps.register(Verification, step=services.retry_due_verifications)
        registration_checks.register("integrations.dukcapil", services.check_new_citizen)
        profile_sections.register("integrations.identity", identity_section)
        # The enabled configurations are read from the cache (services.enabled_configs).
        post_save.connect(
            services.configs_changed, sender=ConnectorConfig, dispatch_uid="integrations-configs"
        )
        post_delete.connect(
            services.configs_changed, sender=ConnectorConfig, dispatch_uid="integrations-configs"
        )
