"""Messages of region onboarding: invitations, each step of the application, a returned
application, a change of standing, an overdue review."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind


def register_kinds() -> None:
    register_kind(
        "onboarding.invitation",
        label=_("Undangan pengelola MPP Digital"),
        required_context=("region_name", "role_name", "set_password"),
    )
    register_kind(
        "onboarding.returned",
        label=_("Permohonan penerapan dikembalikan"),
        required_context=("region_name", "reason"),
    )
    register_kind(
        "onboarding.standing",
        label=_("Status kinerja lokus berubah"),
        required_context=("region_name", "standing", "reason"),
    )
    register_kind(
        "onboarding.progress",
        label=_("Perkembangan permohonan penerapan"),
        required_context=("region_name", "reference", "action", "phase", "due_at", "timezone"),
    )
    register_kind(
        "onboarding.review_overdue",
        label=_("Penelaahan permohonan penerapan melewati batas waktu"),
        required_context=("region_name", "reference", "due_at", "timezone"),
    )
