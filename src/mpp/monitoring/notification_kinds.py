from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind


def register_kinds() -> None:
    register_kind(
        "monitoring.reminder",
        label=_("Pengingat laporan monitoring dan evaluasi"),
        required_context=("period_name", "region_name", "deadline"),
    )
    register_kind(
        "monitoring.returned",
        label=_("Laporan monitoring dikembalikan"),
        required_context=("period_name", "region_name", "note"),
    )
