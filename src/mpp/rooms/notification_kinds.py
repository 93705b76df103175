"""Messages of room bookings: a new request (to the MPP's managers), the decision (to the
requester), a cancellation (to the other side) and an overdue decision (managers and regional
admins)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

# identifier, label, the context its templates need
KINDS = (
    (
        "rooms.requested",
        _("Permohonan peminjaman ruang baru"),
        ("room_name", "mpp_name", "group_name", "starts_at", "ends_at", "due_at", "timezone"),
    ),
    (
        "rooms.decided",
        _("Keputusan peminjaman ruang"),
        ("room_name", "mpp_name", "starts_at", "ends_at", "timezone", "action", "note"),
    ),
    (
        "rooms.cancelled",
        _("Peminjaman ruang dibatalkan"),
        (
            "room_name",
            "mpp_name",
            "group_name",
            "starts_at",
            "ends_at",
            "timezone",
            "by_manager",
            "reason",
        ),
    ),
    (
        "rooms.overdue",
        _("Keputusan peminjaman ruang melewati batas waktu"),
        ("room_name", "mpp_name", "group_name", "starts_at", "ends_at", "due_at", "timezone"),
    ),
)


def register_kinds() -> None:
    for identifier, label, required_context in KINDS:
        register_kind(identifier, label=label, required_context=required_context)
