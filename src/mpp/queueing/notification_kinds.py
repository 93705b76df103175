"""Reminders of an online booking: the day before and an hour before (sent by the queue sweep)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

BOOKING_CONTEXT = ("code", "booking_code", "service_name", "mpp_name", "date", "time")


def register_kinds() -> None:
    register_kind(
        "queue.reminder_day",
        label=_("Pengingat antrean sehari sebelumnya"),
        required_context=BOOKING_CONTEXT,
    )
    register_kind(
        "queue.reminder_hour",
        label=_("Pengingat antrean satu jam sebelumnya"),
        required_context=BOOKING_CONTEXT,
    )
