"""Local time, one way: the zone of a region and the local day of a moment.

Every process counts days in the region's own zone (WIB, WITA or WIT): a tracking number's date,
a report sent at 06.30 WIB on its deadline day, a day's figures. National pages and figures that
belong to no region use WIB, the zone of the capital (``NATIONAL_ZONE``). Never write a zone name
in a process; ask this module (or ``regions.calendar`` for working days and opening hours).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from mpp.regions.models import Region, TimeZone

NATIONAL_ZONE_NAME = TimeZone.WIB.value
NATIONAL_ZONE = ZoneInfo(NATIONAL_ZONE_NAME)
# Every zone of Indonesia, west to east.
ZONE_NAMES: tuple[str, ...] = tuple(TimeZone.values)

RegionLike = Region | str | None


def zone_name_of(region: RegionLike) -> str:
    """The zone name of a region (a row or a Kemendagri code); WIB for none."""
    if region is None:
        return NATIONAL_ZONE_NAME
    if isinstance(region, Region):
        return region.timezone
    return Region.objects.values_list("timezone", flat=True).get(code=region)


def zone_of(region: RegionLike) -> ZoneInfo:
    return ZoneInfo(zone_name_of(region))


def local_date(moment: datetime.datetime, region: RegionLike = None) -> datetime.date:
    """The day ``moment`` falls on in the region's zone (WIB for none)."""
    if timezone.is_naive(moment):
        raise ValueError("an aware datetime is required")
    return moment.astimezone(zone_of(region)).date()


def local_now(region: RegionLike = None, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()).astimezone(zone_of(region))
