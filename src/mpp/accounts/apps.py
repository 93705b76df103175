from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mpp.accounts"
    verbose_name = _("Akun dan peran")

    def ready(self) -> None:
        from mpp.accounts import signals  # noqa: F401
