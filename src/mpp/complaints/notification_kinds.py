"""The messages of the complaint lifecycle (templates in templates/notifications/kinds/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind


def register_kinds() -> None:
    register_kind(
        "complaint.received",
        label=_("Pengaduan diterima"),
        required_context=("tracking_number", "due_at"),
    )
    register_kind(
        "complaint.postponed",
        label=_("Pengaduan memerlukan keterangan"),
        required_context=("tracking_number", "reason"),
    )
    register_kind(
        "complaint.answered",
        label=_("Pengaduan ditanggapi"),
        required_context=("tracking_number", "reply_until"),
    )
    register_kind(
        "complaint.escalated",
        label=_("Pengaduan melewati batas waktu"),
        required_context=("tracking_number", "due_at", "level"),
    )
    register_kind(
        "complaint.limit_exceeded",
        label=_("Pengaduan melewati batas penyelesaian"),
        required_context=("tracking_number", "due_at", "level"),
    )
