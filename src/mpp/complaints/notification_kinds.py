"""The messages of the complaint lifecycle (templates in templates/notifications/kinds/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

# kind, label, the context its templates need (the hooks in ``hooks.py`` fill it)
KINDS = (
    ("complaint.received", _("Pengaduan diterima"), ("tracking_number", "due_at")),
    (
        "complaint.postponed",
        _("Pengaduan memerlukan keterangan"),
        ("tracking_number", "reason"),
    ),
    ("complaint.answered", _("Pengaduan ditanggapi"), ("tracking_number", "reply_until")),
    (
        "complaint.escalated",
        _("Pengaduan melewati batas waktu"),
        ("tracking_number", "due_at", "level"),
    ),
    (
        "complaint.limit_exceeded",
        _("Pengaduan melewati batas penyelesaian"),
        ("tracking_number", "due_at", "level"),
    ),
)


def register_kinds() -> None:
    for kind, label, required_context in KINDS:
        register_kind(kind, label=label, required_context=required_context)
