"""The messages an applicant receives when their application changes state.

Registered from ``CasesConfig.ready()``; their texts are this app's templates under
``templates/notifications/kinds/<kind>/`` (see docs/notifications.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

APPLICATION_CONTEXT = ("tracking_number", "service_name")


# (kind, label, context beyond the application's tracking number and service name)
KINDS = (
    ("application.submitted", _("Permohonan diajukan"), ("due_at",)),
    ("application.revision_requested", _("Permohonan perlu diperbaiki"), ("reason",)),
    ("application.approved", _("Permohonan disetujui"), ()),
    ("application.rejected", _("Permohonan ditolak"), ("reason",)),
    ("application.issued", _("Dokumen diterbitkan"), ("document_number",)),
    ("application.withdrawn", _("Permohonan dibatalkan"), ()),
)


def register_kinds() -> None:
    for kind, label, context in KINDS:
        register_kind(kind, label=label, required_context=(*APPLICATION_CONTEXT, *context))
