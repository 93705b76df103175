from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "mpp.onboarding"
    label = "onboarding"
    verbose_name = _("Pendaftaran dan penetapan lokus")

    def ready(self) -> None:
        from mpp.onboarding.notification_kinds import register_kinds

        register_kinds()
