"""Reads of the tenancy tree, already scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mpp.accounts.policy import Perm, scope_filter
from mpp.catalog.models import MPP, Agency, AgencyPresence


def public_mpps() -> QuerySet[MPP]:
    return MPP.objects.filter(is_active=True).select_related("region", "region__province")


def agencies_at(mpp: MPP) -> QuerySet[Agency]:
    return Agency.objects.filter(presences__mpp=mpp, presences__is_active=True).order_by("name")


def workplaces_for(user, perm: Perm = Perm.WORK) -> QuerySet[AgencyPresence]:
    """Agency-at-MPP units the user may work in with ``perm`` (one query)."""
    return (
        AgencyPresence.objects.filter(is_active=True)
        .filter(scope_filter(user, perm, agency="agency_id", mpp="mpp_id", region="mpp__region_id"))
        .select_related("agency", "mpp", "mpp__region")
        .order_by("mpp__name", "agency__name")
    )


def agencies_for(user, perm: Perm = Perm.WORK) -> QuerySet[Agency]:
    """Agencies the user may see in the back office with ``perm`` (one query)."""
    visible = AgencyPresence.objects.filter(
        scope_filter(user, perm, agency="agency_id", mpp="mpp_id", region="mpp__region_id")
    ).values("agency_id")
    return Agency.objects.filter(pk__in=visible).select_related("region").order_by("name")


def mpps_for(user, perm: Perm = Perm.MANAGE_MPP) -> QuerySet[MPP]:
    """MPPs the user may run with ``perm`` (one query)."""
    visible = AgencyPresence.objects.filter(
        scope_filter(user, perm, agency="agency_id", mpp="mpp_id", region="mpp__region_id")
    ).values("mpp_id")
    direct = scope_filter(user, perm, agency=None, mpp="pk", region="region_id")
    return (
        MPP.objects.filter(direct | Q(pk__in=visible))
        .select_related("region")
        .order_by("region_id", "name")
    )
