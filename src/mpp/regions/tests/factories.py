"""Factories for regions data (provinces and kab/kota themselves come from the data migration)."""

from __future__ import annotations

import datetime

import factory

from mpp.regions.models import CalendarOverride, Region


def region(code: str = "2171") -> Region:
    """A kab/kota loaded by the data migration (2171 Kota Batam, 6472 Samarinda, 9171 Jayapura)."""
    return Region.objects.get(code=code)


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    region = factory.LazyFunction(region)
    date = datetime.date(2026, 12, 18)
    kind = CalendarOverride.Kind.DAY_OFF
    reason = "Hari jadi daerah"
