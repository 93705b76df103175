from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "mpp.onboarding"
    label = "onboarding"
    verbose_name = _("Pendaftaran dan penetapan lokus")

    def ready(self) -> None:
        from mpp.deadlines.registry import sweeps
        from mpp.onboarding import hooks, services
        from mpp.onboarding.models import OnboardingApplication
        from mpp.onboarding.notification_kinds import register_kinds

        register_kinds()
        hooks.register()
        sweeps.register(OnboardingApplication, step=services.escalate_overdue_reviews)
