"""Demo tenancy and services: the MPP of Kota Batam with the agencies that really serve there, and
Kota Yogyakarta. The content is data: ``data/demo_tenancy.json`` (MPPs, opening hours, agencies and
their counters) and ``data/demo_services.json`` (templates each agency adopts, other services)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from mpp.catalog import national_templates, services
from mpp.catalog.models import Service
from mpp.tenancy.models import MPP, Agency, AgencyPresence, CounterHours, OpeningHours


def load() -> dict[str, MPP]:
    mpps = load_tenancy()
    load_services(mpps)
    return mpps


def load_services(mpps: dict[str, MPP]) -> None:
    """National templates, the Batam services (44) and a few in Yogyakarta, all published.

    Idempotent: a service whose slug exists is left as it is (including any edits made in the demo).
    """
    templates = national_templates.load().templates
    data = national_templates.read_data("demo_services.json")
    for mpp_key, adoptions in data["adoptions"].items():
        mpp = mpps[mpp_key]
        for agency_slug, template_slugs in adoptions.items():
            agency = Agency.objects.get(slug=agency_slug)
            for template_slug in template_slugs:
                slug = f"{mpp_key}-{template_slug.removeprefix('templat-')}"
                if not Service.objects.filter(slug=slug).exists():
                    service = services.adopt_template(
                        templates[template_slug],
                        actor=services.SYSTEM,
                        agency=agency,
                        mpp=mpp,
                        slug=slug,
                    )
                    national_templates.publish_first(service)
    for agency_slug, entries in data["services"].items():
        agency = Agency.objects.get(slug=agency_slug)
        for entry in entries:
            content = dict(entry)
            slug = content.pop("slug")
            if not Service.objects.filter(slug=slug).exists():
                service = services.create_service(
                    actor=services.SYSTEM,
                    agency=agency,
                    mpp=mpps["batam"],
                    content=content,
                    slug=slug,
                )
                national_templates.publish_first(service)


def _time(value: str) -> datetime.time:
    return datetime.time(int(value[:2]), int(value[3:]))


def load_tenancy() -> dict[str, MPP]:
    """The demo MPPs with their agencies and opening hours (refreshed from the data on every run)."""
    mpps: dict[str, MPP] = {}
    for entry in national_templates.read_data("demo_tenancy.json")["mpps"]:
        fields = {
            key: value
            for key, value in entry.items()
            if key not in ("key", "slug", "region", "agencies", "opening_hours")
        }
        for coordinate in ("latitude", "longitude"):
            fields[coordinate] = Decimal(fields[coordinate])
        mpp, _ = MPP.objects.update_or_create(
            slug=entry["slug"], defaults={**fields, "region_id": entry["region"]}
        )
        for agency_entry in entry["agencies"]:
            agency, _ = Agency.objects.update_or_create(
                slug=agency_entry["slug"],
                defaults={
                    "name": agency_entry["name"],
                    "short_name": agency_entry["short_name"],
                    "kind": agency_entry["kind"],
                    "region_id": agency_entry["region"],
                },
            )
            presence, _ = AgencyPresence.objects.get_or_create(
                agency=agency, mpp=mpp, defaults={"counters": agency_entry["counters"]}
            )
            for hours in agency_entry.get("counter_hours", ()):
                CounterHours.objects.get_or_create(
                    presence=presence,
                    weekday=hours["weekday"],
                    defaults={"opens": _time(hours["opens"]), "closes": _time(hours["closes"])},
                )
        for hours in entry["opening_hours"]:
            OpeningHours.objects.get_or_create(
                mpp=mpp,
                weekday=hours["weekday"],
                defaults={
                    "opens": _time(hours["opens"]),
                    "closes": _time(hours["closes"]),
                    "note": hours["note"],
                    "break_starts": _time(hours["break_starts"])
                    if "break_starts" in hours
                    else None,
                    "break_ends": _time(hours["break_ends"]) if "break_ends" in hours else None,
                },
            )
        mpps[entry["key"]] = mpp
    return mpps
