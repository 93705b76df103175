"""Messages of region onboarding: invitations, a returned application, a change of standing."""

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
