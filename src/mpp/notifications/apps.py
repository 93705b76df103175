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
        # The navigation's unread count is read from the cache (selectors.unread_count).
        from django.db.models.signals import post_delete, post_save

        from mpp.notifications.models import InboxMessage
        from mpp.notifications.services import unread_changed

        post_save.connect(unread_changed, sender=InboxMessage, dispatch_uid="inbox-unread-saved")
        post_delete.connect(
            unread_changed, sender=InboxMessage, dispatch_uid="inbox-unread-deleted"
        )
