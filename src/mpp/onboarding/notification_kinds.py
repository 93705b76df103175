"""Messages of region onboarding: invitations, each step of the application, a returned
application, a change of standing, an overdue review."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind

# identifier, label, the context its templates need
KINDS = (
    (
        "onboarding.invitation",
        _("Undangan pengelola MPP Digital"),
        ("region_name", "role_name", "set_password"),
    ),
    (
        "onboarding.returned",
        _("Permohonan penerapan dikembalikan"),
        ("region_name", "reason"),
    ),
    (
        "onboarding.standing",
        _("Status kinerja lokus berubah"),
        ("region_name", "standing", "reason"),
    ),
    (
        "onboarding.progress",
        _("Perkembangan permohonan penerapan"),
        ("region_name", "reference", "action", "phase", "due_at", "timezone"),
    ),
    (
        "onboarding.review_overdue",
        _("Penelaahan permohonan penerapan melewati batas waktu"),
        ("region_name", "reference", "due_at", "timezone"),
    ),
)


def register_kinds() -> None:
    for identifier, label, required_context in KINDS:
        register_kind(identifier, label=label, required_context=required_context)
