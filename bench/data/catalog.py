"""MPPs, agencies and their services: the demo MPP Kota Batam's catalog, repeated in ~300 kab/kota.

The 514 kab/kota come with the migrations (``regions``). The demo MPPs (Kota Batam, Kota
Yogyakarta) and the 15 national templates come from ``load_demo``; this module adds MPPs up to
:data:`base.MPP_COUNT` in other kab/kota (the 21 first-phase loci first, then a seeded sample).
Each new MPP gets Batam's opening hours and its 13 agencies (the kab/kota's Dukcapil, DPMPTSP,
Dinkes, the vertical offices, BUMN/BUMD) with the services Batam offers — adoptions of the
national templates and the other services — published as version 1, with their search documents.
"""

from __future__ import annotations

import datetime

from bench.data.base import MPP_COUNT, Context, as_json, cumulate
from django.utils.text import slugify

DEMO_MPP = "mpp-kota-batam"


def _local_name(region) -> str:
    """ "Batam" → the region's own name without "Kabupaten"/"Kota"."""
    return region.name.removeprefix("Kabupaten ").removeprefix("Kota ")


def _rename(text: str, region) -> str:
    return text.replace("Kota Batam", region.name).replace("Batam", _local_name(region))


def _reslug(slug: str, code: str) -> str:
    base = slug.replace("-batam", "").replace("batam-", "")
    return f"{base}-{code}"


def generate(ctx: Context) -> None:
    from mpp.catalog import search
    from mpp.catalog.models import Service, ServiceVersion
    from mpp.catalog.services import search_document_for
    from mpp.regions.models import Region
    from mpp.tenancy.models import MPP, Agency, AgencyPresence, OpeningHours

    rng = ctx.rng("catalog")
    demo = MPP.objects.get(slug=DEMO_MPP)
    taken = set(MPP.objects.values_list("region_id", flat=True))
    regions = list(Region.objects.order_by("code"))
    pilots = [r for r in regions if r.is_pilot_locus and r.code not in taken]
    others = [r for r in regions if not r.is_pilot_locus and r.code not in taken]
    wanted = MPP_COUNT - len(taken)
    chosen = pilots[:wanted] + rng.sample(others, max(0, wanted - len(pilots)))
    chosen.sort(key=lambda r: r.code)

    hours = list(OpeningHours.objects.filter(mpp=demo))
    presences = list(AgencyPresence.objects.filter(mpp=demo).select_related("agency"))
    services = list(
        Service.objects.published().filter(mpp=demo).select_related("current_version", "agency")
    )
    created = ctx.anchor - datetime.timedelta(days=800)

    mpp_id = ctx.next_id("catalog_mpp")
    new_mpps = []
    for offset, region in enumerate(chosen):
        new_mpps.append((mpp_id + offset, region))
    ctx.copy(
        MPP,
        ["id", "region_id", "name", "slug", "address", "latitude", "longitude", "phone", "email",
         "is_active", "facilities"],
        (
            (pk, r.code, f"Mal Pelayanan Publik {r.name}", f"mpp-{slugify(r.name)}-{r.code}",
             f"Jl. Pelayanan Publik No. 1, {r.name}", r.latitude, r.longitude, "", "", True,
             as_json(demo.facilities))
            for pk, r in new_mpps
        ),
        total=len(new_mpps),
        label="MPPs",
    )  # fmt: skip
    ctx.copy(
        OpeningHours,
        ["mpp_id", "weekday", "opens", "closes", "break_starts", "break_ends", "note"],
        (
            (pk, h.weekday, h.opens, h.closes, h.break_starts, h.break_ends, h.note)
            for pk, _r in new_mpps
            for h in hours
        ),
        total=len(new_mpps) * len(hours),
        label="opening hours",
    )

    agency_id = ctx.next_id("catalog_agency")
    agency_map: dict[tuple[int, int], Agency] = {}  # (demo agency id, new mpp id) → unsaved Agency
    agency_rows = []
    for pk, region in new_mpps:
        for presence in presences:
            source = presence.agency
            agency = Agency(
                id=agency_id,
                name=_rename(source.name, region),
                short_name=_rename(source.short_name, region),
                slug=_reslug(source.slug, region.code),
                kind=source.kind,
                region_id=region.code,
                description=_rename(source.description, region),
            )
            agency_map[(source.pk, pk)] = agency
            agency_rows.append((agency, pk, presence.counters))
            agency_id += 1
    ctx.copy(
        Agency,
        ["id", "name", "short_name", "slug", "kind", "region_id", "description"],
        ((a.id, a.name, a.short_name, a.slug, a.kind, a.region_id, a.description)
         for a, _m, _c in agency_rows),
        total=len(agency_rows),
        label="agencies",
    )  # fmt: skip
    ctx.copy(
        AgencyPresence,
        ["agency_id", "mpp_id", "is_active", "counters"],
        ((a.id, mpp, True, counters) for a, mpp, counters in agency_rows),
        total=len(agency_rows),
        label="agency presences",
    )

    version_fields = [
        f.attname for f in ServiceVersion._meta.concrete_fields if f.attname not in ("id",)
    ]
    json_fields = {
        f.attname
        for f in ServiceVersion._meta.concrete_fields
        if f.get_internal_type() == "JSONField"
    }
    service_id = ctx.next_id("catalog_service")
    version_id = ctx.next_id("catalog_serviceversion")
    service_rows, version_rows = [], []
    for pk, region in new_mpps:
        for source in services:
            sv = source.current_version
            name = _rename(sv.name, region)
            agency = agency_map[(source.agency_id, pk)]
            values = {a: getattr(sv, a) for a in version_fields}
            values.update(
                service_id=service_id, number=1, status="published", name=name,
                summary=_rename(sv.summary, region), created_at=created, updated_at=created,
                published_at=created, effective_from=created.date(), created_by_id=None,
                published_by_id=None, change_note="Standar pelayanan awal.",
            )  # fmt: skip
            version = ServiceVersion(**{**values, "id": version_id})
            service = Service(id=service_id, agency=agency, mpp_id=pk)
            document = search_document_for(service, version)
            search_name = search.document([version.name, version.name_en])
            version_rows.append(
                tuple(as_json(values[a]) if a in json_fields else values[a] for a in version_fields)
            )
            service_rows.append(
                (service_id, agency.id, pk, _reslug(source.slug, region.code), source.template_id,
                 version_id, None, created, name, sv.name_en, sv.category, sv.channel, sv.fee,
                 document, search_name)
            )  # fmt: skip
            service_id += 1
            version_id += 1
    ctx.copy(
        Service,
        ["id", "agency_id", "mpp_id", "slug", "template_id", "current_version_id", "retired_at",
         "created_at", "name", "name_en", "category", "channel", "fee", "search_document",
         "search_name"],
        service_rows,
        total=len(service_rows),
        label="services",
    )  # fmt: skip
    _copy_versions(ctx, ServiceVersion, version_fields, version_rows, service_rows)
    # The tsvector, as catalog.services.refresh_search writes it (name weighs A, document B).
    ctx.cursor.execute(
        "UPDATE catalog_service SET search_vector = "
        "setweight(to_tsvector('simple'::regconfig, search_name), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, search_document), 'B') "
        "WHERE id >= %s",
        [service_rows[0][0]],
    )
    remember_units(ctx)


def _copy_versions(ctx, model, version_fields, version_rows, service_rows) -> None:
    ctx.copy(
        model,
        ["id", *version_fields],
        ((service[5], *row) for service, row in zip(service_rows, version_rows, strict=True)),
        total=len(version_rows),
        label="service versions",
    )


def remember_units(ctx: Context) -> None:
    """What the later modules need: every MPP with a weight and its published services."""
    from mpp.catalog.models import Service
    from mpp.tenancy.models import MPP

    rows = (
        Service.objects.published()
        .select_related("current_version")
        .order_by("mpp_id", "id")
        .only(
            "id", "mpp_id", "agency_id", "category", "current_version__id",
            "current_version__time_limit", "current_version__time_limit_unit",
            "current_version__skip_approval", "current_version__form_definition",
            "current_version__channel",
        )
    )  # fmt: skip
    by_mpp: dict[int, list] = {}
    for service in rows:
        by_mpp.setdefault(service.mpp_id, []).append(service)
    mpps = list(MPP.objects.filter(pk__in=by_mpp).select_related("region").order_by("id"))
    # A few busy MPPs and a long tail (Zipf, s = 0.6): the demo MPP Kota Batam is the busiest, so
    # the demo officers see a large inbox; Kota Yogyakarta (5 services) comes second.
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(mpps))]
    ctx.facts["mpps"] = mpps
    ctx.facts["mpp_weights"] = cumulate(weights)
    ctx.facts["services"] = by_mpp


remember = remember_units
