"""Reads of devices, scoped to the manager by the policy (one query each)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from mpp.accounts import policy
from mpp.accounts.policy import Perm, Principal
from mpp.devices.models import Device

if TYPE_CHECKING:
    from mpp.tenancy.models import MPP


def managed_mpps(user: Principal) -> QuerySet[MPP]:
    """The MPPs whose devices ``user`` manages."""
    from mpp.tenancy.models import MPP

    return (
        MPP.objects.filter(
            policy.scope_filter(
                user, Perm.MANAGE_DEVICES, agency=None, mpp="pk", region="region_id"
            )
        )
        .select_related("region")
        .order_by("name")
    )


def devices_of(mpp: MPP) -> QuerySet[Device]:
    """Every device of ``mpp``, working ones first, by kind and name."""
    return (
        Device.objects.filter(mpp=mpp)
        .select_related("created_by")
        .order_by("revoked_at", "kind", "name")
    )
