from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "mpp.rooms"
    label = "rooms"
    verbose_name = _("Peminjaman ruang MPP")

    def ready(self) -> None:
        from mpp.catalog.extensions import mpp_public_events
        from mpp.deadlines.registry import sweeps
        from mpp.rooms import hooks, selectors, services
        from mpp.rooms.models import Booking
        from mpp.rooms.notification_kinds import register_kinds

        register_kinds()
        hooks.register()
        sweeps.register(Booking, step=services.sweep_step)
        mpp_public_events.register("rooms.public_bookings", selectors.programme_events)
