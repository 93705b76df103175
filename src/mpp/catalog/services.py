"""Every write to the service catalog: one function per use case, each in one transaction.

Permissions are asked of ``mpp.accounts.policy``; a refused actor gets ``PermissionDenied`` and nothing
changes. Published versions are never modified: editing a published service starts a new draft.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mpp.accounts.policy import Perm, can
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.catalog import public_cache, search
from mpp.catalog.document_template import template_problems as document_template_problems
from mpp.catalog.form_schema import DefinitionError
from mpp.catalog.models import Category, SearchSynonym, Service, ServiceVersion
from mpp.errors import ServiceError
from mpp.tenancy.models import MPP, Agency, AgencyPresence, CounterHours, OpeningHours

# Fields a draft may be given through ``create_service`` / ``update_draft``.
EDITABLE_FIELDS = frozenset((*ServiceVersion.CONTENT_FIELDS, "change_note"))


class _System:
    """The platform itself acting (demo loading, data migrations); never reachable from a request."""

    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def _require(actor, obj) -> None:
    if actor is SYSTEM:
        return
    if not can(actor, Perm.MANAGE_SERVICES, obj):
        raise PermissionDenied(_("Anda tidak berwenang mengelola layanan ini."))


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _unique_slug(base: str) -> str:
    root = slugify(base)[:180] or "layanan"
    slug, counter = root, 2
    while Service.objects.filter(slug=slug).exists():
        slug, counter = f"{root}-{counter}", counter + 1
    return slug


def _apply_content(version: ServiceVersion, content: dict[str, Any]) -> None:
    unknown = set(content) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in content.items():
        setattr(version, name, value)
    version.full_clean(
        exclude=["service", "number", "status", "created_by", "published_by", "effective_from"]
    )


def _copy_listing(service: Service, version: ServiceVersion) -> None:
    service.name = version.name
    service.name_en = version.name_en
    service.category = version.category
    service.channel = version.channel
    service.fee = version.fee


def search_parts(service: Service, version: ServiceVersion) -> list[str]:
    """Texts a search matches against: names (both languages), summaries, requirements, product,
    category, agency."""
    parts = [
        version.name,
        version.name_en,
        version.summary,
        version.summary_en,
        *[str(item) for item in version.requirements],
        *[str(item) for item in version.requirements_en],
        version.product,
        str(Category(version.category).label) if version.category in Category.values else "",
    ]
    agency = service.agency
    if agency is not None:
        parts += [agency.name, agency.short_name]
    return [part for part in parts if part]


def search_document_for(service: Service, version: ServiceVersion) -> str:
    """Every word of ``search_parts`` with its Indonesian stem (``mpp.catalog.search.document``)."""
    return search.document(search_parts(service, version))


def refresh_search(service: Service, version: ServiceVersion) -> None:
    """Rewrite the service's search texts (and tsvector on PostgreSQL) from ``version``.

    Stemming happens here, once per publication, never per request.
    """
    service.search_document = search_document_for(service, version)
    service.search_name = search.document([version.name, version.name_en])
    update: dict[str, Any] = {
        "search_document": service.search_document,
        "search_name": service.search_name,
        "name_en": version.name_en,
    }
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector
        from django.db.models import Value

        # The name weighs more than the rest of the document.
        update["search_vector"] = SearchVector(
            Value(service.search_name), config="simple", weight="A"
        ) + SearchVector(Value(service.search_document), config="simple", weight="B")
    Service.objects.filter(pk=service.pk).update(**update)
    public_cache.changed()  # .update() sends no post_save


@transaction.atomic
def create_service(
    *,
    actor,
    agency: Agency,
    mpp: MPP,
    content: dict[str, Any],
    template: Service | None = None,
    slug: str = "",
) -> Service:
    """A new service of ``agency`` at ``mpp``, with its first draft (version 1) holding ``content``."""
    presence = AgencyPresence.objects.select_related("mpp").filter(agency=agency, mpp=mpp).first()
    if presence is None:
        raise ValidationError(_("Instansi ini tidak melayani di MPP tersebut."))
    _require(actor, presence)
    version = _first_version(actor, content)
    service = Service(
        agency=agency,
        mpp=mpp,
        template=template,
        slug=slug or _unique_slug(f"{mpp.slug.removeprefix('mpp-')}-{version.name}"),
    )
    return _save_new(service, version)


@transaction.atomic
def create_template(*, actor, content: dict[str, Any], slug: str = "") -> Service:
    """A national template service (no agency, no MPP), kept by the ministry."""
    _require(actor, None)
    version = _first_version(actor, content)
    return _save_new(Service(slug=slug or _unique_slug(f"templat-{version.name}")), version)


def _first_version(actor, content: dict[str, Any]) -> ServiceVersion:
    version = ServiceVersion(number=1, created_by=_user(actor))
    _apply_content(version, content)
    return version


def _save_new(service: Service, version: ServiceVersion) -> Service:
    """Store a new service with its first version as the listing it shows until publication."""
    _copy_listing(service, version)
    service.save()
    version.service = service
    version.save()
    return service


@transaction.atomic
def start_draft(service: Service, *, actor) -> ServiceVersion:
    """The service's draft: the existing one, or a new one copied from the current version."""
    _require(actor, service)
    service = Service.objects.select_for_update(of=("self",)).get(pk=service.pk)
    draft = service.versions.filter(status=ServiceVersion.Status.DRAFT).first()
    if draft is not None:
        return draft
    source = service.current_version
    number = (service.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    draft = ServiceVersion(service=service, number=number, created_by=_user(actor))
    if source is not None:
        for name in ServiceVersion.CONTENT_FIELDS:
            setattr(draft, name, getattr(source, name))
    draft.change_note = ""
    draft.save()
    return draft


@transaction.atomic
def update_draft(version: ServiceVersion, *, actor, content: dict[str, Any]) -> ServiceVersion:
    """Change a draft; raises ValidationError (per field) and changes nothing when content is invalid."""
    _require(actor, version.service)
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError(_("Versi yang sudah terbit tidak dapat diubah; buat draf baru."))
    _apply_content(version, content)
    version.save()
    service = version.service
    if service.current_version_id is None:
        _copy_listing(service, version)
        service.save(update_fields=["name", "category", "channel", "fee"])
    return version


def publication_problems(version: ServiceVersion) -> dict[str, list[str]]:
    """What a draft still lacks before it may be published (empty when it is complete)."""
    problems: dict[str, list[str]] = {}
    if not version.requirements:
        problems["requirements"] = [_("Persyaratan wajib diisi sebelum terbit.")]
    if not version.procedure:
        problems["procedure"] = [_("Prosedur wajib diisi sebelum terbit.")]
    if not version.product.strip():
        problems["product"] = [_("Produk pelayanan wajib diisi sebelum terbit.")]
    if not version.complaint_handling.strip():
        problems["complaint_handling"] = [_("Penanganan pengaduan wajib diisi sebelum terbit.")]
    if not version.legal_basis:
        problems["legal_basis"] = [_("Dasar hukum wajib diisi sebelum terbit.")]
    if version.accepts_online and not version.form_definition:
        problems["form_definition"] = [_("Layanan daring memerlukan definisi formulir permohonan.")]
    if version.document_template:
        try:
            template_problems = document_template_problems(version.document_template, version.form)
        except DefinitionError:
            template_problems = []  # the form's own problems are reported with the form
        if template_problems:
            problems["document_template"] = template_problems
    return problems


@transaction.atomic
def publish_draft(
    version: ServiceVersion,
    *,
    actor,
    effective_from: datetime.date | None = None,
    change_note: str = "",
    request=None,
) -> ServiceVersion:
    """Publish a draft as the service's current version, all at once or not at all."""
    service = (
        Service.objects.select_for_update(of=("self",))
        .select_related("agency", "mpp")
        .get(pk=version.service_id)
    )
    _require(actor, service)
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError(_("Versi ini sudah terbit."))
    if service.is_retired:
        raise ValidationError(
            _("Layanan yang sudah dihentikan tidak dapat menerbitkan versi baru.")
        )
    version.full_clean(exclude=["service", "created_by", "published_by"])
    problems = publication_problems(version)
    if problems:
        raise ValidationError(problems)
    today = timezone.localdate()
    effective_from = effective_from or today
    if effective_from > today:
        raise ValidationError(
            {"effective_from": [_("Tanggal berlaku tidak boleh di masa mendatang.")]}
        )
    previous = service.current_version
    if (
        previous is not None
        and previous.effective_from is not None
        and effective_from < previous.effective_from
    ):
        raise ValidationError(
            {
                "effective_from": [
                    _("Tanggal berlaku tidak boleh sebelum tanggal berlaku versi sebelumnya.")
                ]
            }
        )
    version.status = ServiceVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = _user(actor)
    version.effective_from = effective_from
    if change_note:
        version.change_note = change_note[:500]
    version.save()
    service.current_version = version
    _copy_listing(service, version)
    service.save(update_fields=["current_version", "name", "category", "channel", "fee"])
    refresh_search(service, version)
    record_event(
        AuditAction.SERVICE_PUBLISHED,
        actor=actor,
        target=service,
        summary=f"{service.name} v{version.number}",
        request=request,
        data={"version": version.number},
    )
    return version


@transaction.atomic
def retire_service(service: Service, *, actor, request=None) -> Service:
    """Hide a service from search and new applications; its versions stay readable."""
    service = (
        Service.objects.select_for_update(of=("self",)).select_related("mpp").get(pk=service.pk)
    )
    _require(actor, service)
    if service.is_retired:
        return service
    service.retired_at = timezone.now()
    service.save(update_fields=["retired_at"])
    record_event(
        AuditAction.SERVICE_RETIRED,
        actor=actor,
        target=service,
        summary=service.name,
        request=request,
    )
    return service


@transaction.atomic
def adopt_template(
    template: Service, *, actor, agency: Agency, mpp: MPP, slug: str = "", request=None
) -> Service:
    """Create a draft service for ``agency`` at ``mpp`` prefilled from a national template."""
    template = Service.objects.select_related("current_version").get(pk=template.pk)
    if not template.is_template or template.current_version is None:
        raise ValidationError(_("Hanya templat nasional yang sudah terbit yang dapat diadopsi."))
    source = template.current_version
    content = {name: getattr(source, name) for name in ServiceVersion.CONTENT_FIELDS}
    service = create_service(
        actor=actor, agency=agency, mpp=mpp, content=content, template=template, slug=slug
    )
    record_event(
        AuditAction.SERVICE_ADOPTED,
        actor=actor,
        target=service,
        summary=f"{service.name} ← {template.slug}",
        request=request,
    )
    return service


# --- Search synonyms (national, kept by the ministry) -----------------------------------------


def _require_search(actor) -> None:
    if actor is SYSTEM:
        return
    if not can(actor, Perm.MANAGE_SEARCH):
        raise PermissionDenied(_("Anda tidak berwenang mengelola sinonim pencarian."))


@transaction.atomic
def save_synonym(*, actor, term: str, expansion: str) -> SearchSynonym:
    """Add (or change) the synonym for one typed word; ``ValidationError`` names the field."""
    _require_search(actor)
    typed = search.words(term)
    if len(typed) != 1:
        raise ValidationError(
            {"term": _("Isi satu kata saja, tanpa spasi atau tanda baca, misalnya “akte”.")}
        )
    if not search.words(expansion):
        raise ValidationError(
            {"expansion": _("Isi kata yang dipakai dalam nama layanan, misalnya “akta”.")}
        )
    synonym, _created = SearchSynonym.objects.update_or_create(
        term=typed[0], defaults={"expansion": expansion.strip()[:200]}
    )
    return synonym


@transaction.atomic
def delete_synonym(*, actor, synonym: SearchSynonym) -> None:
    _require_search(actor)
    synonym.delete()


# --- Opening hours of an MPP and its agencies' counter hours -------------------------------------
# The MPP manager sets the MPP's hours (Perm.MANAGE_MPP on the MPP); the MPP manager or the
# agency's own admin sets an agency's counter hours there (Perm.MANAGE_QUEUE on the presence).
# ``regions.calendar`` reads both (docs/calendar.md): slots, the hour clock and reminders follow.


class HoursError(ServiceError):
    """Refused hours: the messages per form field (``hours_field``), nothing saved."""


@dataclass(frozen=True)
class DayHours:
    """One weekday's hours as a person entered them (a missing time is None)."""

    opens: datetime.time | None
    closes: datetime.time | None
    break_starts: datetime.time | None = None
    break_ends: datetime.time | None = None
    note: str = ""


def hours_field(weekday: int, part: str) -> str:
    """The form field (and error key) of one part ("open", "opens", "closes", "break_starts",
    "break_ends", "note") of a weekday (0 = Monday)."""
    return f"d{weekday}_{part}"


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H.%M")


def day_problems(weekday: int, day: DayHours, *, with_break: bool = True) -> dict[str, str]:
    """What is wrong with one open weekday, per form field (empty: nothing)."""
    problems: dict[str, str] = {}
    opens, closes = day.opens, day.closes
    if opens is None:
        problems[hours_field(weekday, "opens")] = _("Isi jam buka, misalnya 08:00.")
    if closes is None:
        problems[hours_field(weekday, "closes")] = _("Isi jam tutup, misalnya 16:00.")
    if opens is not None and closes is not None and closes <= opens:
        problems[hours_field(weekday, "closes")] = _("Jam tutup harus sesudah jam buka.")
    starts, ends = day.break_starts, day.break_ends
    if not with_break or (starts is None and ends is None):
        return problems
    if starts is None:
        problems[hours_field(weekday, "break_starts")] = _(
            "Isi juga awal istirahat, atau kosongkan keduanya."
        )
    elif ends is None:
        problems[hours_field(weekday, "break_ends")] = _(
            "Isi juga akhir istirahat, atau kosongkan keduanya."
        )
    elif ends <= starts:
        problems[hours_field(weekday, "break_ends")] = _(
            "Akhir istirahat harus sesudah awal istirahat."
        )
    elif opens is None or closes is None or problems:
        return problems
    elif not (opens < starts and ends < closes):
        problems[hours_field(weekday, "break_starts")] = _(
            "Istirahat harus di dalam jam buka (%(opens)s–%(closes)s)."
        ) % {"opens": _hhmm(opens), "closes": _hhmm(closes)}
    return problems


def _time(value: datetime.time | None) -> datetime.time:
    """A time ``day_problems`` has already found given."""
    assert value is not None
    return value


def _weekday_name(weekday: int) -> str:
    return str(OpeningHours.Weekday(weekday).label)


@transaction.atomic
def set_opening_hours(
    mpp: MPP, days: dict[int, DayHours | None], *, actor, request=None
) -> list[OpeningHours]:
    """Replace ``mpp``'s weekly opening hours: ``days`` maps every weekday (0 = Monday … 6 =
    Sunday) to its hours, or None when closed. All days are checked first; any problem refuses
    the whole week with ``HoursError`` (nothing saved)."""
    if actor is not SYSTEM and not can(actor, Perm.MANAGE_MPP, mpp):
        raise PermissionDenied(_("Anda tidak berwenang mengatur jam layanan MPP ini."))
    problems: dict[str, str] = {}
    for weekday, day in sorted(days.items()):
        if day is not None:
            problems |= day_problems(weekday, day)
    if problems:
        raise HoursError(_("Jam layanan belum disimpan."), problems)
    OpeningHours.objects.filter(mpp=mpp).delete()
    rows = OpeningHours.objects.bulk_create(
        OpeningHours(
            mpp=mpp,
            weekday=weekday,
            opens=opens,
            closes=closes,
            break_starts=day.break_starts,
            break_ends=day.break_ends,
            note=day.note.strip()[:200],
        )
        for weekday, day in sorted(days.items())
        if day is not None and (opens := day.opens) and (closes := day.closes)  # checked above
    )
    record_event(
        AuditAction.OPENING_HOURS_CHANGED,
        actor=_user(actor),
        target=mpp,
        request=request,
        data={"days": _hours_record(rows)},
    )
    public_cache.changed()
    return rows


def _hours_record(rows) -> dict[str, str]:
    """The week as the audit log keeps it: {"5": "08:00-12:00"}, breaks as a second span."""
    record = {}
    for row in rows:
        spans = f"{row.opens:%H:%M}-{row.closes:%H:%M}"
        if getattr(row, "break_starts", None) and getattr(row, "break_ends", None):
            spans += f" ({row.break_starts:%H:%M}-{row.break_ends:%H:%M})"
        record[str(row.weekday)] = spans
    return record


@transaction.atomic
def set_counter_hours(
    presence: AgencyPresence, days: dict[int, DayHours | None] | None, *, actor, request=None
) -> list[CounterHours]:
    """Replace an agency's counter hours at an MPP. ``days`` None: the counters follow the MPP's
    hours (no rows). Otherwise every weekday maps to its hours or None (closed that day); each
    open day must lie inside the MPP's hours that weekday, and at least one day must be open."""
    if actor is not SYSTEM and not can(actor, Perm.MANAGE_QUEUE, presence):
        raise PermissionDenied(_("Anda tidak berwenang mengatur jam loket instansi ini."))
    problems: dict[str, str] = {}
    if days is not None:
        mpp_hours = {row.weekday: row for row in OpeningHours.objects.filter(mpp=presence.mpp_id)}
        for weekday, day in sorted(days.items()):
            if day is None:
                continue
            day_errors = day_problems(weekday, day, with_break=False)
            mpp_day = mpp_hours.get(weekday)
            if day_errors:
                problems |= day_errors
            elif mpp_day is None:
                problems[hours_field(weekday, "opens")] = _(
                    "MPP tutup pada hari %(day)s; loket tidak dapat buka."
                ) % {"day": _weekday_name(weekday)}
            elif not (mpp_day.opens <= _time(day.opens) and _time(day.closes) <= mpp_day.closes):
                problems[hours_field(weekday, "opens")] = _(
                    "Jam loket harus di dalam jam layanan MPP pada hari %(day)s: "
                    "%(opens)s–%(closes)s."
                ) % {
                    "day": _weekday_name(weekday),
                    "opens": _hhmm(mpp_day.opens),
                    "closes": _hhmm(mpp_day.closes),
                }
        if not problems and all(day is None for day in days.values()):
            problems["follows_mpp"] = _(
                "Tandai sedikitnya satu hari loket buka, atau pilih “Ikuti jam layanan MPP”."
            )
    if problems:
        raise HoursError(_("Jam loket belum disimpan."), problems)
    CounterHours.objects.filter(presence=presence).delete()
    rows = CounterHours.objects.bulk_create(
        CounterHours(presence=presence, weekday=weekday, opens=opens, closes=closes)
        for weekday, day in sorted((days or {}).items())
        if day is not None and (opens := day.opens) and (closes := day.closes)
    )
    record_event(
        AuditAction.COUNTER_HOURS_CHANGED,
        actor=_user(actor),
        target=presence,
        request=request,
        data={"agency": presence.agency_id, "days": _hours_record(rows) if days else "mpp"},
    )
    public_cache.changed()
    return rows
