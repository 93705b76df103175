from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "mpp.activities"
    label = "activities"
    verbose_name = _("Kegiatan MPP")

    def ready(self) -> None:
        from django.db.models import Q
        from django.urls import reverse

        from mpp.activities import notification_kinds, services
        from mpp.activities.models import Registration
        from mpp.activities.sections import mpp_programme_section
        from mpp.catalog.extensions import mpp_page_sections
        from mpp.deadlines.registry import sweeps
        from mpp.devices.kinds import KINDS, KindPlug
        from mpp.devices.models import DeviceKind

        notification_kinds.register_kinds()
        KINDS.add(
            DeviceKind.DOOR_SCANNER, KindPlug(start_url=lambda _device: reverse("activities:door"))
        )
        # The reminder of the day before: the clock's due_at is its moment; only seats are
        # reminded (a waiting registration has no clock until it moves up).
        sweeps.register(
            Registration, skip=~Q(status="registered"), step=services.send_due_reminders
        )
        mpp_page_sections.register("activities.programme", mpp_programme_section)
