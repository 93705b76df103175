"""Messages of monitoring and evaluation: the reminder before the deadline, a returned report."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

# identifier, label, the context its templates need
KINDS = (
    (
        "monitoring.reminder",
        _("Pengingat laporan monitoring dan evaluasi"),
        ("period_name", "region_name", "deadline"),
    ),
    (
        "monitoring.returned",
        _("Laporan monitoring dikembalikan"),
        ("period_name", "region_name", "note"),
    ),
)


def register_kinds() -> None:
    for identifier, label, required_context in KINDS:
        register_kind(identifier, label=label, required_context=required_context)
