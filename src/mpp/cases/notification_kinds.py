"""The messages an applicant receives when their application changes state.

Registered from ``CasesConfig.ready()``; their texts are this app's templates under
``templates/notifications/kinds/<kind>/`` (see docs/notifications.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

APPLICATION_CONTEXT = ("tracking_number", "service_name")


def register_kinds() -> None:
    register_kind(
        "application.submitted",
        label=_("Permohonan diajukan"),
        required_context=(*APPLICATION_CONTEXT, "due_at"),
    )
    register_kind(
        "application.revision_requested",
        label=_("Permohonan perlu diperbaiki"),
        required_context=(*APPLICATION_CONTEXT, "reason"),
    )
    register_kind(
        "application.approved",
        label=_("Permohonan disetujui"),
        required_context=APPLICATION_CONTEXT,
    )
    register_kind(
        "application.rejected",
        label=_("Permohonan ditolak"),
        required_context=(*APPLICATION_CONTEXT, "reason"),
    )
    register_kind(
        "application.issued",
        label=_("Dokumen diterbitkan"),
        required_context=(*APPLICATION_CONTEXT, "document_number"),
    )
    register_kind(
        "application.withdrawn",
        label=_("Permohonan dibatalkan"),
        required_context=APPLICATION_CONTEXT,
    )
