from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "mpp.notifications"
    verbose_name = _("Pemberitahuan")

    def ready(self) -> None:
        from mpp.notifications import checks  # noqa: F401
        from mpp.notifications.contrib.http import gateway as http_gateway  # noqa: F401
        from mpp.notifications.contrib.outbox import gateway  # noqa: F401
        from mpp.notifications.kinds import register_builtin_kinds

        register_builtin_kinds()
