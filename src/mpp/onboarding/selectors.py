"""Reads of onboarding, scoped to the viewer through the policy."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet

from mpp.accounts.models import Invitation, Role
from mpp.accounts.policy import Perm, can, scope_filter
from mpp.onboarding.models import ManagerDecree, OnboardingApplication
from mpp.onboarding.workflow import STAGE_LABELS, STAGE_OF
from mpp.regions import geo
from mpp.regions.models import Region


def regions_for(user, perm: Perm) -> QuerySet[Region]:
    return Region.objects.filter(scope_filter(user, perm, agency=None, mpp=None, region="code"))


def applications_for(user) -> QuerySet[OnboardingApplication]:
    return OnboardingApplication.objects.filter(
        scope_filter(user, Perm.VIEW_ONBOARDING, agency=None, mpp=None, region="region_id")
    ).select_related("region", "region__province")


def application_for(user, pk: int) -> OnboardingApplication | None:
    return applications_for(user).filter(pk=pk).first()


def may_view(user) -> bool:
    return bool(regions_for(user, Perm.VIEW_ONBOARDING).exists())


def may_manage(user) -> bool:
    return can(user, Perm.MANAGE_ONBOARDING)


def contact_invitation(application: OnboardingApplication) -> Invitation | None:
    """The newest invitation of the application's contact to act for the region in onboarding."""
    return (
        Invitation.objects.filter(
            role=Role.REGION_CONTACT,
            region_id=application.region_id,
            email__iexact=application.contact_email,
        )
        .order_by("-sent_at", "-id")
        .first()
    )


def phase_counts() -> dict[int, int]:
    """How many loci each phase in use holds."""
    rows = (
        OnboardingApplication.objects.filter(phase__isnull=False)
        .values("phase")
        .annotate(n=Count("id"))
        .order_by("phase")
    )
    return {row["phase"]: row["n"] for row in rows}


def public_loci() -> list[dict]:
    """Every region past the application stage, for the public page: no personal data."""
    rows = (
        OnboardingApplication.objects.exclude(status__in=("submitted", "returned"))
        .select_related("region", "region__province")
        .order_by("phase", "region__name")
    )
    return [
        {
            "region": row.region,
            "phase": row.phase,
            "status": row.status,
            "stage": STAGE_OF[row.status],
            "stage_label": STAGE_LABELS[STAGE_OF[row.status]],
            "standing": row.get_standing_display(),
            "on_probation": row.status == "probation",
            "revoked": row.status == "revoked",
        }
        for row in rows
    ]


def loci_map() -> dict:
    """The public loci map: the province outline and each locus at its capital's coordinates, in
    the one projection of ``regions.geo`` (the dashboards' map). Coordinates are strings written
    here with a decimal point, so no locale can turn them into ``294,6`` inside the SVG."""
    shapes = geo.province_shapes()
    return {
        "width": f"{shapes['width']:.0f}",
        "height": f"{shapes['height']:.0f}",
        "outline": list(shapes["provinces"].values()),
    }


def map_points(loci: list[dict]) -> list[dict]:
    """SVG coordinates of each locus from its region's latitude and longitude."""
    points = []
    for locus in loci:
        region = locus["region"]
        if region.latitude is None or region.longitude is None:
            continue
        x, y = geo.project(float(region.longitude), float(region.latitude))
        points.append({**locus, "x": f"{x:.1f}", "y": f"{y:.1f}"})
    return points


def decrees_for(user) -> QuerySet[ManagerDecree]:
    return (
        ManagerDecree.objects.filter(
            scope_filter(user, Perm.VIEW_ONBOARDING, agency=None, mpp=None, region="region_id")
        )
        .select_related("region", "replaced_by")
        .prefetch_related("appointees", "appointees__mpp")
    )


def current_decree(region_code: str, day: datetime.date | None = None) -> ManagerDecree | None:
    """The region's decree in force on ``day`` (not replaced, not expired), or None."""
    day = day or datetime.date.today()
    for decree in ManagerDecree.objects.filter(region_id=region_code, replaced_at__isnull=True):
        if decree.is_valid_on(day):
            return decree
    return None


def decree_overview(user) -> list[dict]:
    """Per locus the ministry (or region) sees: the decree in force, its expiry, replacements."""
    today = datetime.date.today()
    loci = applications_for(user).exclude(status__in=("submitted", "returned"))
    decrees: dict[str, list[ManagerDecree]] = {}
    for decree in decrees_for(user):
        decrees.setdefault(decree.region_id, []).append(decree)
    rows = []
    for locus in loci.order_by("region__name"):
        history = decrees.get(locus.region_id, [])
        current = next((d for d in history if d.is_valid_on(today)), None)
        expired = next(
            (d for d in history if d.replaced_at is None and not d.is_valid_on(today)), None
        )
        rows.append({"locus": locus, "current": current, "expired": expired, "history": history})
    return rows
