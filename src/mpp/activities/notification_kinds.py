"""Messages of an activity registration: the ticket, the waiting list, moving up, the reminder,\nthe activity cancelled by its organiser."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

CONTEXT = ("title", "mpp_name", "place", "date", "time", "number")


def register_kinds() -> None:
    register_kind("activities.registered", label=_("Tiket kegiatan MPP"), required_context=CONTEXT)
    register_kind(
        "activities.waitlisted", label=_("Daftar tunggu kegiatan MPP"), required_context=CONTEXT
    )
    register_kind(
        "activities.promoted",
        label=_("Naik dari daftar tunggu kegiatan MPP"),
        required_context=CONTEXT,
    )
    register_kind(
        "activities.reminder",
        label=_("Pengingat kegiatan MPP sehari sebelumnya"),
        required_context=CONTEXT,
    )
    register_kind(
        "activities.cancelled", label=_("Kegiatan MPP dibatalkan"), required_context=CONTEXT
    )
