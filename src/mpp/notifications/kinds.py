"""The kinds this app declares: a test message, and the status changes of an application.

The application kinds live here so that issue 4 can call ``notify`` straight away; the
applications app may take them over (move the ``register_kind`` calls and the templates).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

APPLICATION_CONTEXT = ("tracking_number", "service_name")


def register_builtin_kinds() -> None:
    register_kind("test.ping", label=_("Pesan uji"))
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
