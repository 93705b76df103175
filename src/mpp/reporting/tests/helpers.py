"""Shared set-ups of the dashboard tests (unit and browser)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from mpp.catalog.models import Category, Channel, Service
from mpp.reporting import facts
from mpp.reporting.facts import FactKey, Unit
from mpp.reporting.facts import applications as app_facts


def services_received_today(mpp, agency, count: int, slug: str, name: str) -> list[Service]:
    """``count`` new services of ``agency`` at ``mpp``, each with one application received today
    in the daily facts (so the MPP dashboard's per-service table has ``count`` rows more)."""
    day = timezone.now().astimezone(datetime.UTC).date()
    created = [
        Service.objects.create(
            agency=agency,
            mpp=mpp,
            slug=f"{slug}-{n:02d}",
            name=f"{name} {n:02d}",
            category=Category.values[0],
            channel=Channel.values[0],
        )
        for n in range(count)
    ]
    facts.bump_many(
        {
            FactKey(day, Unit(mpp.region_id, mpp.pk, agency.pk, s.pk), app_facts.RECEIVED): 1
            for s in created
        }
    )
    return created
