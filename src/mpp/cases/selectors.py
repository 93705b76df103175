"""Reads of applications, always scoped to the person asking.

A citizen sees their own applications. Staff see the applications of the units their grants cover
with ``Perm.VIEW_CASES`` (with personal data) or ``Perm.OVERSEE_CASES`` (masked identity, status,
deadlines and timeline). Drafts stay invisible to staff until submitted, except those filed at the
counter. Anything else is "not found", never "forbidden", so ids reveal nothing.

Every staff read of personal data goes through :func:`read_case`, :func:`read_file` or
:func:`read_issued_document`, which web and API share, so each one lands in the citizen's access log.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts import privacy
from mpp.accounts.policy import Perm, can, covering_grant, grants_for, has_any, scope_filter_any
from mpp.audit.models import AccessKind
from mpp.audit.services import record_access
from mpp.cases.models import Application, ApplicationChannel, ApplicationDocument, InternalNote
from mpp.cases.workflow import CITIZEN, COORDINATOR, COUNTER, EDITABLE, OFFICER, OPEN
from mpp.deadlines.models import ClockQuerySet, breached_condition
from mpp.plans import planned_each_time
from mpp.regions.localtime import NATIONAL_ZONE, ZONE_NAMES
from mpp.workflows.selectors import timeline

if TYPE_CHECKING:
    from mpp.accounts.models import User

LIST_RELATED = ("service_version", "mpp__region", "agency", "assigned_to", "applicant")
# Lists show names, statuses and dates: leave the answers and the standard's long texts in the table.
LIST_DEFERRED = (
    "data",
    *(
        f"service_version__{name}"
        for name in (
            "form_definition", "requirements", "procedure", "legal_basis", "complaint_handling",
            "facilities", "staff_competence", "internal_supervision", "service_guarantee",
            "security_guarantee", "performance_evaluation", "summary", "fee_note",
        )
    ),
)  # fmt: skip
CASE_PERMS = (Perm.VIEW_CASES, Perm.OVERSEE_CASES)
# What the officer's inbox page shows of each row and asks of it (the policy's scope, who filed it,
# whether its document is still being made), and nothing else: a row of every joined table is
# about a hundred columns, each one built and hashed by the ORM on every request.
INBOX_ROW_FIELDS = (
    "tracking_number", "status", "channel", "due_at", "counter_name", "agency", "filed_by",
    "issued_document", "service_version__name", "mpp__region__timezone", "assigned_to__name",
    "applicant__name", "applicant__nik",
)  # fmt: skip

# What the citizen's list shows of each row (and its order, for the keyset page), in the same way.
CITIZEN_ROW_FIELDS = (
    "tracking_number", "status", "due_at", "created_at", "updated_at", "issued_document",
    "service_version__name", "mpp__region__timezone", "agency__name",
)  # fmt: skip

# What the API's list answers of each row (``ApplicationOut``) and its orders' keys.
API_ROW_FIELDS = (
    "tracking_number", "service", "status", "version", "channel", "submitted_at", "due_at",
    "remaining_working_days", "decided_at", "created_at", "service_version__name",
    "service_version__number", "issued_document__number",
)  # fmt: skip


def inbox_rows(rows: QuerySet[Application]) -> QuerySet[Application]:
    """:func:`inbox` with only what the inbox page's rows show (``INBOX_ROW_FIELDS``)."""
    return (
        rows.select_related(None)
        .select_related("service_version", "mpp__region", "assigned_to", "applicant")
        .only(*INBOX_ROW_FIELDS)
    )


def conflicted(user, application: Application) -> bool:
    """The user applied for the application, or filed it at the counter while another officer of
    the unit may decide it: not theirs to claim, decide or issue.

    Four eyes where there are four: the counter officer who filed for a walk-in citizen decides
    only when no other officer of that agency at that MPP could (an agency with one officer would
    otherwise never decide its counter filings). The applicant never decides their own case."""
    if user.pk == application.applicant_id:
        return True
    if application.filed_by_id is None or user.pk != application.filed_by_id:
        return False
    return colleagues(application).exists()


def mark_conflicts(user, rows) -> None:
    """Set ``row.not_mine`` (:func:`conflicted`) on a list page's rows, asking about colleagues
    once per unit rather than once per row the user filed."""
    # Per unit, up to two officers other than the user: a row is not the user's when one of them
    # is not its applicant (one query per unit, whatever the number of applicants on the page).
    others: dict[tuple, set[int]] = {}
    for row in rows:
        if row.filed_by_id != user.pk or row.applicant_id == user.pk:
            row.not_mine = row.applicant_id == user.pk
            continue
        key = (row.agency_id, row.mpp_id)
        if key not in others:
            officers = unit_officers(row.agency_id, row.mpp_id, excluding=[user.pk])
            others[key] = set(officers.values_list("pk", flat=True)[:2])
        row.not_mine = bool(others[key] - {row.applicant_id})


def decided_by_filer(application: Application, user) -> bool:
    """The user filed this application and decides it as the unit's only officer."""
    return user.pk == application.filed_by_id and not conflicted(user, application)


def actor_kinds(user, application: Application) -> set[str]:
    """The workflow actor kinds ``user`` holds for ``application`` (decided by the policy)."""
    kinds: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return kinds
    if application.applicant_id == user.pk:
        kinds.add(CITIZEN)
    if application.channel == ApplicationChannel.COUNTER and can(
        user, Perm.FILE_AT_COUNTER, application
    ):
        kinds.add(COUNTER)
    if not conflicted(user, application):
        if can(user, Perm.DECIDE_CASES, application):
            kinds.add(OFFICER)
        if can(user, Perm.ASSIGN_CASES, application):
            kinds.add(COORDINATOR)
    return kinds


def may_fill_in(user, application: Application) -> bool:
    """The applicant, or a counter officer for a counter filing, while the form is editable."""
    return application.status in EDITABLE and bool(
        actor_kinds(user, application) & {CITIZEN, COUNTER}
    )


def applicant_exposure(user, application: Application) -> privacy.Exposure:
    """How much of the applicant ``user`` sees (``accounts.privacy``): the applicant and the
    agency's staff with ``Perm.VIEW_CASES`` whole, oversight (``Perm.OVERSEE_CASES``) masked."""
    related = privacy.relation(
        user,
        application,
        owner_id=application.applicant_id,
        handles=can(user, Perm.VIEW_CASES, application),
        oversight=(Perm.OVERSEE_CASES,),
    )
    return privacy.exposure(related)


def sees_personal_data(user, application: Application) -> bool:
    return applicant_exposure(user, application) == privacy.Exposure.WHOLE


def applicant_label(user, application: Application) -> str:
    """The applicant as this staff member may see them: the name typed at the counter for a counter
    filing, the registered name for an online one, initials only without ``Perm.VIEW_CASES``."""
    applicant = application.applicant
    return privacy.person(
        applicant_exposure(user, application),
        name=application.counter_name or applicant.name,
        nik=applicant.nik,
        hidden_label=_("Pemohon"),
    ).label


def staff_units(user) -> Q:
    """The units (MPP and agency) whose cases a staff member may open, on any model with ``mpp``
    and ``agency`` (applications, their counts per status)."""
    return scope_filter_any(
        user, CASE_PERMS, agency="agency_id", mpp="mpp_id", region="mpp__region_id"
    )


def staff_scope(user) -> Q:
    """The applications a staff member may open: their units' cases, drafts only from the counter."""
    return staff_units(user) & (~Q(status="draft") | Q(channel=ApplicationChannel.COUNTER))


def is_staff_worker(user) -> bool:
    return any(grants_for(user, perm) for perm in CASE_PERMS)


# --- Citizens ------------------------------------------------------------------------------


# The orders lists are paged in (keyset pager): newest first; soonest deadline first, none last.
CITIZEN_ORDER = ("-created_at", "-id")
INBOX_ORDER = ("due_at?", "-id")


def applications_of_citizen(user) -> ClockQuerySet:
    return (
        Application.objects.filter(applicant=user)
        .with_breached()
        .select_related("service_version", "mpp__region", "agency")
        .defer(*LIST_DEFERRED)
        .order_by("-created_at", "-id")
    )


def citizen_rows(rows: QuerySet[Application]) -> QuerySet[Application]:
    """:func:`applications_of_citizen` with only what the citizen's list page shows
    (``CITIZEN_ROW_FIELDS``), not every column of four joined tables built on each request."""
    return rows.defer(None).only(*CITIZEN_ROW_FIELDS)


def service_to_apply_for(pk: int):
    """A published service by id (the API's ``service``), or None; with what a new draft reads of
    it (its version, MPP, kab/kota and agency) in the same query."""
    from mpp.catalog.models import Service

    return (
        Service.objects.published()
        .select_related("current_version", "mpp__region", "agency")
        .filter(pk=pk)
        .first()
    )


def applications_for_api(
    user, *, status: str = "", service: int | None = None, breached: bool | None = None
) -> tuple[QuerySet[Application], tuple[str, ...]]:
    """The API's list and its order: staff read their unit's queue (nearest deadline first),
    citizens their own applications (newest first)."""
    if is_staff_worker(user):
        rows = inbox(
            user, InboxFilters(status=status, service=service, breached=breached), own=True
        )
        order = INBOX_ORDER
    else:
        own = applications_of_citizen(user)
        order = CITIZEN_ORDER
        if status:
            own = own.filter(status=status)
        if service:
            own = own.filter(service_id=service)
        if breached is not None:
            own = own.breached() if breached else own.not_breached()
        rows = own
    # The list shows the service's name and version and the document's number, nothing of the
    # MPP, agency or people: joining those too cost the planner 6–11 ms a request (nine tables).
    # Only its columns (API_ROW_FIELDS): every column of the three tables cost a quarter of the
    # request's CPU to compile and turn into objects.
    rows = rows.select_related(None).select_related("service_version", "issued_document")
    return rows.defer(None).only(*API_ROW_FIELDS), order


def application_for_citizen(user, pk) -> Application:
    try:
        return (
            Application.objects.with_breached()
            .select_related(*LIST_RELATED, "issued_document")
            .get(pk=int(pk), applicant=user)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Staff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    service: int | None = None
    due: str = ""  # "today", "tomorrow", "overdue"
    mine: bool = False
    channel: str = ""
    breached: bool | None = None
    query: str = ""  # a tracking number, a NIK or a name (issue 11)
    # Dashboard drill-downs: decided (on time/late) and local-date ranges, a unit inside the scope.
    decided: str = ""  # "any", "on_time", "late"
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    decided_from: datetime.date | None = None
    decided_to: datetime.date | None = None
    mpp: int | None = None
    agency: int | None = None
    region: str = ""


def local_zone(user) -> ZoneInfo:
    """The zone of the officer's (first) MPP, for "due today"; WIB when the grant has no MPP."""
    for grant in [g for perm in CASE_PERMS for g in grants_for(user, perm)]:
        if grant.mpp is not None:
            return ZoneInfo(grant.mpp.region.timezone)
        if grant.region is not None:
            return ZoneInfo(grant.region.timezone)
    return NATIONAL_ZONE


def _day_bounds(zone: ZoneInfo, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


def _due_on(zone: ZoneInfo, day: datetime.date) -> Q:
    start, end = _day_bounds(zone, day)
    return Q(due_at__gte=start, due_at__lt=end)


def inbox(
    user, filters: InboxFilters | None = None, now=None, *, own: bool = False
) -> QuerySet[Application]:
    """The unit's work queue, soonest deadline first: open applications unless a status is chosen
    (drafts only when asked for: those an officer started at the counter). With ``own`` (the API
    list) the caller's own applications are included too."""
    filters = filters or InboxFilters()
    now = now or timezone.now()
    where = staff_scope(user)
    rows = Application.objects.filter(where | Q(applicant=user) if own else where)
    if filters.status == "draft":
        rows = rows.filter(status="draft", channel="counter")
    elif filters.status == "all":
        rows = rows.exclude(status="draft")
    elif filters.status:
        rows = rows.filter(status=filters.status)
    else:
        rows = rows.filter(status__in=OPEN)
    rows = _drill_down(rows, filters)
    if filters.service:
        rows = rows.filter(service_id=filters.service)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.mine:
        rows = rows.filter(assigned_to=user)
    if filters.query:
        rows = rows.filter(_search(user, filters.query))
    zone = local_zone(user)
    today = now.astimezone(zone).date()
    if filters.due == "today":
        rows = rows.filter(_due_on(zone, today))
    elif filters.due == "tomorrow":
        rows = rows.filter(_due_on(zone, today + datetime.timedelta(days=1)))
    if filters.due == "overdue" or filters.breached:
        rows = rows.breached(now)
    elif filters.breached is False:
        rows = rows.not_breached(now)
    return (
        rows.with_breached(now)
        .select_related(*LIST_RELATED)
        .defer(*LIST_DEFERRED)
        .order_by(F("due_at").asc(nulls_last=True), "-id")
    )


TRACKING_PATTERN = re.compile(r"^\d{4}-\d{6}-\d{4}$")


def _search(user, query: str) -> Q:
    """Rows matching a tracking number (whole or its start), a NIK (typed with or without
    separators) or part of a name. NIK and name search only for holders of ``Perm.VIEW_CASES``
    (an overseer sees masked identities and may not find people by them)."""
    from mpp.accounts.nik import normalize_nik

    text = query.strip()[:100]
    by_number = Q(tracking_number__istartswith=text)
    if TRACKING_PATTERN.match(text) or not has_any(user, Perm.VIEW_CASES):
        return by_number
    nik = normalize_nik(text)
    if nik.isdigit() and len(nik) == 16:
        return Q(applicant__nik=nik)
    return by_number | Q(applicant__name__icontains=text) | Q(counter_name__icontains=text)


def status_counts(user) -> list[tuple[str, str, int]]:
    """(status, label, count) of the applications in the user's scope: one grouped query over the
    counters per unit and status (``StatusCount``, kept by the database in the transaction that
    changes an application), never over the applications themselves."""
    from mpp.cases.models import Status, StatusCount

    counted = dict(
        StatusCount.objects.filter(staff_units(user))
        .values_list("status")
        .annotate(n=Sum("total"))
        .values_list("status", "n")
    )
    return [
        (value, str(label), counted.get(value) or 0)
        for value, label in Status.choices
        if value != "draft"
    ]


# The statuses of a decision, as the daily facts count them (mpp.reporting.facts.applications).
DECIDED = ("approved", "issued", "rejected")


def _local_range(field: str, start, end) -> Q:
    """``field`` on local days ``start``..``end`` of each application's kab/kota zone."""
    where = Q()
    if start is None and end is None:
        return where
    terms = Q(pk__in=[])
    for zone in ZONE_NAMES:
        tz = ZoneInfo(zone)
        term = Q(mpp__region__timezone=zone)
        if start is not None:
            term &= Q(**{f"{field}__gte": _day_bounds(tz, start)[0]})
        if end is not None:
            term &= Q(**{f"{field}__lt": _day_bounds(tz, end)[1]})
        terms |= term
    return terms


def _drill_down(rows, filters: InboxFilters):
    if filters.mpp:
        rows = rows.filter(mpp_id=filters.mpp)
    if filters.agency:
        rows = rows.filter(agency_id=filters.agency)
    if filters.region:
        rows = rows.filter(mpp__region_id=filters.region)
    if filters.decided:
        rows = rows.filter(status__in=DECIDED, decided_at__isnull=False)
        late = Q(due_at__isnull=False, decided_at__gt=F("due_at"))
        if filters.decided == "late":
            rows = rows.filter(late)
        elif filters.decided == "on_time":
            rows = rows.exclude(late)
    if filters.submitted_from or filters.submitted_to:
        rows = rows.filter(
            _local_range("submitted_at", filters.submitted_from, filters.submitted_to)
        )
    if filters.decided_from or filters.decided_to:
        rows = rows.filter(
            status__in=DECIDED,
            decided_at__isnull=False,
        ).filter(_local_range("decided_at", filters.decided_from, filters.decided_to))
    return rows


def due_counts(user, now=None) -> dict[str, int]:
    """How many open applications are due today and tomorrow (the officer's local dates)."""
    now = now or timezone.now()
    zone = local_zone(user)
    today = now.astimezone(zone).date()
    # One query: the three counts are filtered aggregates over the unit's open applications,
    # planned for the unit and the day each time (mpp.plans): the generic plan of a prepared
    # statement cannot know how many open applications a unit has.
    with planned_each_time():
        return Application.objects.filter(staff_scope(user), status__in=OPEN).aggregate(
            today=Count("id", filter=_due_on(zone, today)),
            tomorrow=Count("id", filter=_due_on(zone, today + datetime.timedelta(days=1))),
            overdue=Count("id", filter=breached_condition(now)),
        )


def application_for_staff(user, pk) -> Application:
    try:
        return (
            Application.objects.filter(staff_scope(user))
            .with_breached()
            .select_related(*LIST_RELATED, "issued_document", "filed_by", "service")
            .get(pk=int(pk))
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def application_for_api(user, pk) -> Application:
    """The applicant's own application, or one the staff member may open."""
    try:
        return (
            Application.objects.filter(Q(applicant=user) | staff_scope(user))
            .with_breached()
            .select_related(*LIST_RELATED, "issued_document", "filed_by")
            .get(pk=int(pk))
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Reads of personal data (recorded for the citizen) ----------------------------------------


def _record(user, application: Application, kind: str, channel: str, reference: str = "") -> None:
    """Log a staff look at the applicant's data; the applicant reading their own is not logged."""
    if application.applicant_id == user.pk:
        return
    grant = covering_grant(user, Perm.VIEW_CASES, application) or covering_grant(
        user, Perm.FILE_AT_COUNTER, application
    )
    record_access(
        viewer=user,
        subject_id=application.applicant_id,
        role=grant.role if grant else "",
        agency_name=application.agency.name,
        kind=kind,
        application=application,
        reference=reference or application.tracking_number,
        channel=channel,
    )


def read_case(user, application: Application, *, channel: str) -> bool:
    """May ``user`` see the answers of ``application``? When a staff member may, the showing is a
    read of personal data and is recorded."""
    personal = sees_personal_data(user, application)
    if personal:
        _record(user, application, AccessKind.ANSWERS, channel)
    return personal


def read_file(user, application: Application, document_pk, *, channel: str):
    """One uploaded file of ``application`` (404 without ``Perm.VIEW_CASES``), recorded."""
    if not sees_personal_data(user, application):
        raise Http404
    document = document_of(application, document_pk)
    _record(
        user,
        application,
        AccessKind.FILE,
        channel,
        f"{application.tracking_number} {document.field}",
    )
    return document


def read_issued_document(user, application: Application, *, channel: str):
    """The issued PDF (404 without personal-data access or before issue), recorded."""
    document = application.issued_document
    if document is None or not document.file or not sees_personal_data(user, application):
        raise Http404
    _record(user, application, AccessKind.DOCUMENT, channel, document.number)
    return document


# --- Parts of one application ------------------------------------------------------------------


def current_documents(application: Application) -> list[ApplicationDocument]:
    return list(application.documents.filter(replaced_at__isnull=True).order_by("id"))


def document_of(application: Application, pk) -> ApplicationDocument:
    try:
        return application.documents.get(pk=int(pk))
    except (ApplicationDocument.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def history(application: Application):
    return list(timeline(application))


@dataclass
class DocumentEvent:
    """A change to the application's issued document that is no workflow transition (issue 24):
    a revocation or a re-issue (who, when, why), shown in the timeline among the transitions."""

    action: str
    at: datetime.datetime
    actor: object | None
    note: str
    sentence: str
    data: dict = field(default_factory=dict)

    @property
    def actor_id(self) -> int | None:
        return getattr(self.actor, "pk", None)


def document_events(application: Application) -> list[DocumentEvent]:
    """The revocations and re-issues of the documents issued for ``application``."""
    from mpp.documents.models import IssuedDocument

    if application.issued_document_id is None:  # never issued: nothing to ask (no query)
        return []
    key = f"application:{application.pk}"
    documents = (
        IssuedDocument.objects.filter(Q(source_key=key) | Q(source_key__startswith=f"{key}:"))
        .filter(Q(revoked_at__isnull=False) | Q(replaces__isnull=False))
        .select_related("revoked_by", "issued_by", "replaces")
    )
    events = []
    for document in documents:
        if (replaced := document.replaces) is not None:
            events.append(
                DocumentEvent(
                    action="document_reissued",
                    at=document.issued_at,
                    actor=document.issued_by,
                    note=document.reissue_reason,
                    sentence=_("Dokumen %(number)s diterbitkan ulang menggantikan %(old)s")
                    % {"number": document.number, "old": replaced.number},
                )
            )
        if (revoked_at := document.revoked_at) is not None:
            events.append(
                DocumentEvent(
                    action="document_revoked",
                    at=revoked_at,
                    actor=document.revoked_by,
                    note=document.revoked_reason,
                    sentence=_("Dokumen %(number)s dicabut") % {"number": document.number},
                )
            )
    return sorted(events, key=lambda event: event.at)


def may_reissue(user: User, application: Application) -> bool:
    """Whether ``user`` may re-issue the application's document now: it is issued and signed
    (valid, or revoked without a replacement yet) and the user decides the agency's cases."""
    from mpp.documents.models import DocumentStatus

    document = application.issued_document
    return (
        application.status == "issued"
        and document is not None
        and document.status != DocumentStatus.PENDING
        and can(user, Perm.DECIDE_CASES, application)
    )


def history_with_documents(application: Application) -> list:
    """The timeline people read: the transitions and the document's revocations, in time order."""
    records = [*history(application), *document_events(application)]
    return sorted(records, key=lambda record: record.at)


def history_for_staff(user, application: Application):
    """The timeline with each record's actor as ``user`` may see them (``actor_shown``): the
    applicant through :func:`applicant_label` (masked for oversight), staff by name."""
    records = history_with_documents(application)
    applicant = None
    for record in records:
        if record.actor_id is None:
            record.actor_shown = ""
        elif record.actor_id == application.applicant_id:
            applicant = applicant or applicant_label(user, application)
            record.actor_shown = applicant
        else:
            record.actor_shown = record.actor.name or record.actor.username
    return records


def api_detail(user, application: Application) -> Application:
    """``application`` with what the API's detail shows ``user``: the answers and files only for
    those who may see personal data (the read is recorded), the timeline, and the actions the
    caller may take now."""
    from mpp.workflows.services import available_actions

    personal = read_case(user, application, channel="api")
    application.shown_data = application.data if personal else {}
    application.shown_files = current_documents(application) if personal else []
    check = identity_check(application) if personal else None
    application.identity_check_state = check.state if check else None
    application.timeline = history(application)
    kinds = actor_kinds(user, application)
    application.allowed_actions = [t.action for t in available_actions(application, kinds)]
    return application


def idempotent_answer(user, scope: str, key: str):
    """The first answer stored for (``user``, ``scope``, ``key``), or None."""
    from mpp.cases.models import IdempotencyRecord

    return IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()


def notes(application: Application) -> list[InternalNote]:
    return list(application.notes.select_related("author"))


def unit_officers(agency_id: int, mpp_id: int, *, excluding: list[int]):
    """Active officers who may decide the cases of an agency at an MPP, but those ``excluding``."""
    from mpp.accounts.models import RoleGrant, User
    from mpp.accounts.policy import PERMISSION_ROLES

    ids = RoleGrant.objects.active().filter(
        role__in=PERMISSION_ROLES[Perm.DECIDE_CASES], agency_id=agency_id, mpp_id=mpp_id
    )
    return (
        User.objects.filter(pk__in=ids.values("user_id"), is_active=True)
        .exclude(pk__in=excluding)
        .order_by("name")
    )


def colleagues(application: Application):
    """Officers other than the applicant and the filer who may work on this application."""
    return unit_officers(
        application.agency_id,
        application.mpp_id,
        excluding=[application.applicant_id, application.filed_by_id or 0],
    )


def assignable(application: Application):
    """Officers the coordinator may hand the application to (the "assign" choice): the
    colleagues, or the filer when the filer is the unit's only officer."""
    from mpp.accounts.models import User

    others = colleagues(application)
    filer = application.filed_by
    if (
        filer is not None
        and filer.is_active
        and not others.exists()
        and can(filer, Perm.DECIDE_CASES, application)
    ):
        return User.objects.filter(pk=filer.pk)
    return others


def colleague(application: Application, pk: int | None):
    """One of :func:`assignable` by id, or None."""
    return assignable(application).filter(pk=pk).first() if pk else None


def answers(
    application: Application, current: list[ApplicationDocument] | None = None
) -> list[dict]:
    """The visible questions with their answers, grouped by section, for summaries.
    ``current``: the application's :func:`current_documents`, when the caller has read them."""
    from mpp.cases.steps import steps_for
    from mpp.catalog.document_template import long_date
    from mpp.catalog.form_schema import is_visible

    if current is None:
        current = current_documents(application)
    documents = {str(doc.pk): doc for doc in current}
    definition = application.service_version.form
    step_of = {
        item.name: step.number
        for step in steps_for(definition, application.data)
        for item in step.fields
    }
    sections: list[dict] = []
    for item in definition.fields:
        if not is_visible(item, application.data):
            continue
        value = application.data.get(item.name)
        document = None
        if item.type == "file":
            document = documents.get(str(value)) if value else None
            shown = document.original_name if document else ""
        elif item.is_choice:
            labels = item.choice_labels()
            values = value if isinstance(value, list) else ([value] if value else [])
            shown = ", ".join(str(labels.get(v, v)) for v in values)
        elif item.type == "date" and value:
            shown = long_date(value)  # 20 November 2026, as people write dates
        else:
            shown = "" if value is None else str(value)
        if not sections or sections[-1]["title"] != item.section:
            sections.append({"title": item.section, "items": []})
        sections[-1]["items"].append(
            {
                "field": item,
                "value": shown,
                "document": document,
                "type": item.type,
                "step": step_of.get(item.name, 1),
            }
        )
    return sections


def services_in_scope(user, *perms: Perm):
    """Published services of the units the staff member sees (inbox filter) or files for (counter)."""
    from mpp.catalog.models import Service

    where = scope_filter_any(
        user, perms or CASE_PERMS, agency="agency_id", mpp="mpp_id", region="mpp__region_id"
    )
    return Service.objects.published().filter(where).select_related("mpp").order_by("name")


# How long the inbox filter's services of one user are kept (a change of grants or catalog shows at
# once; this only bounds what an unused entry holds).
SERVICE_CHOICES_SECONDS = 3600


def inbox_service_choices(user) -> list[tuple[int, str]]:
    """(id, label) of :func:`services_in_scope`, by name, for the inbox's filter: two services of
    the same name (at two MPPs) are told apart by their MPP.

    Kept in the cache under the user's ``access_stamp`` (raised with any change of their grants,
    ``mpp.accounts.access``) and the catalog's generation (raised with any change of a service or
    an MPP, ``mpp.catalog.public_cache``), so a new grant or a published, withdrawn or renamed
    service shows on the next request: the officer's inbox, opened all day, reads them once."""
    from mpp.catalog import public_cache

    key = f"cases:inbox-services:{user.pk}:{user.access_stamp}:{public_cache.generation()}"
    found = cache.get(key)
    if isinstance(found, list):
        return found
    rows = list(services_in_scope(user).values_list("pk", "name", "mpp__name"))
    names = Counter(name.casefold() for _pk, name, _mpp in rows)
    choices = [
        (pk, f"{name} — {mpp}" if names[name.casefold()] > 1 else name)
        for pk, name, mpp in sorted(rows, key=lambda row: row[1].casefold())
    ]
    cache.set(key, choices, SERVICE_CHOICES_SECONDS)
    return choices


# --- The issued document: its content, and the preview before signing --------------------------


def document_content(application: Application):
    """What the application's issued document prints: the service version's document template
    (subject, ordered fields and their wording) applied to the answers. The preview before issuing
    and the issued document both come from here."""
    from mpp.catalog.document_template import document_content as template_content

    version = application.service_version
    applicant = application.applicant
    return template_content(
        version.document_template,
        version.form,
        application.data,
        product=version.product or version.name,
        applicant_name=applicant.name,
        applicant_nik=applicant.nik or "",
        tracking_number=application.tracking_number,
    )


def document_preview(user, application: Application) -> dict:
    """The preview shown before issuing: the document's content and who signs it. Showing the
    holder's data is a read of personal data, recorded like the answers."""
    from mpp.documents.selectors import issuer_identity

    read_case(user, application, channel="web")
    content = document_content(application)
    return {"content": content, "identity": issuer_identity(application.agency)}


# --- Public tracking (no account): the number and the applicant's birth date --------------------


_NOT_DIGITS = re.compile(r"\D")


def normalise_tracking_number(typed: str) -> str:
    """A tracking number as people type it, in its stored form ``2171-261120-0001``: spaces,
    dots, other dashes or none at all ("2171 261120 0001", "21712611200001") are all the same
    number. Anything that is not 14 or more digits is returned trimmed and upper-cased."""
    text = (typed or "").strip().upper()
    digits = _NOT_DIGITS.sub("", text)
    if len(digits) >= 14 and not re.search(r"[A-Z]", text):
        return f"{digits[:4]}-{digits[4:10]}-{digits[10:]}"
    return text


def tracked_application(number: str, birth_date) -> Application | None:
    """The submitted application with this tracking number whose applicant was born on
    ``birth_date``, or None: a wrong number and a wrong date read the same."""
    number = normalise_tracking_number(number)
    if not number or len(number) > 20 or birth_date is None:
        return None
    application = (
        Application.objects.select_related("applicant", "mpp__region", "service_version")
        .exclude(status="draft")
        .filter(tracking_number=number)
        .first()
    )
    if application is None or application.applicant.birth_date != birth_date:
        return None
    return application


def received_documents(application: Application) -> list[tuple[str, str]]:
    """(field label, file name) of each current upload, in the form's order (for the receipt)."""
    labels = {item.name: item.label for item in application.service_version.form.fields}
    order = list(labels)
    rows = sorted(
        current_documents(application),
        key=lambda doc: order.index(doc.field) if doc.field in order else len(order),
    )
    return [(labels.get(doc.field, doc.field), doc.original_name) for doc in rows]


def first_unfinished_step(
    application: Application, current: list[ApplicationDocument] | None = None
) -> int | None:
    """The first step with a required answer missing or an answer that does not pass (what
    "Lanjutkan mengisi" opens), or None when every step is complete (then: the check page).
    ``current``: the application's :func:`current_documents`, when the caller has read them."""
    from mpp.cases.steps import steps_for
    from mpp.catalog.forms_definition import validate_submission

    definition = application.service_version.form
    if current is None:
        current = current_documents(application)
    documents = {str(doc.pk) for doc in current}
    files = {item.name for item in definition.fields if item.type == "file"}
    # An upload counts only while its document is current (as on submission).
    data = {
        name: value
        for name, value in application.data.items()
        if name not in files or str(value) in documents
    }
    for step in steps_for(definition, data):
        if not validate_submission(step.fields, data).is_valid:
            return step.number
    return None


# --- What changed since the revision request ---------------------------------------------------


def answer_digests(data: dict) -> dict[str, str]:
    """A keyed digest of each answer (an HMAC under SECRET_KEY: a short answer cannot be guessed
    back from it), to tell later which answers changed without keeping the answers twice."""
    import json

    from django.utils.crypto import salted_hmac

    return {
        name: salted_hmac("mpp.cases.answer", json.dumps(value, sort_keys=True)).hexdigest()[:32]
        for name, value in (data or {}).items()
    }


@dataclass(frozen=True)
class RevisionChanges:
    fields: list[str]  # labels of answers changed since the request
    files: list[str]  # labels of file fields with a new upload since the request


def changes_since_revision(application: Application, records) -> RevisionChanges | None:
    """What the applicant changed after the latest revision request, once they sent it back
    (None when there was no request or it has not been answered)."""
    requests = [r for r in records if r.action == "request_revision"]
    if not requests:
        return None
    request = requests[-1]
    if not any(r.action == "resubmit" and r.at >= request.at for r in records):
        return None
    before = (request.data or {}).get("answer_digests", {})
    now = answer_digests(application.data)
    definition = application.service_version.form
    new_uploads = {
        doc.field for doc in current_documents(application) if doc.uploaded_at >= request.at
    }
    fields, files = [], []
    for item in definition.fields:
        if item.type == "file":
            if item.name in new_uploads:
                files.append(item.label)
        elif before.get(item.name) != now.get(item.name):
            fields.append(item.label)
    return RevisionChanges(fields=fields, files=files)


def sign_in_reason(slug: str = "", **_kwargs):
    """Why the start page of a service asks a signed-out person to sign in."""
    from mpp.accounts.sign_in_reasons import Reason
    from mpp.catalog.models import Service

    name = Service.objects.published().filter(slug=slug).values_list("name", flat=True).first()
    if name is None:
        return None
    return Reason(
        sign_in=_("Masuk untuk mengajukan permohonan %(service)s.") % {"service": name},
        subject=_("Permohonan %(service)s") % {"service": name},
    )


def identity_check(application):
    """The Dukcapil check behind the applicant's identity (None when none was made): at the
    counter, of what the officer typed; online, of the account at its registration."""
    from mpp.cases.services import counter_check_purpose
    from mpp.integrations.selectors import check_of
    from mpp.integrations.services import PURPOSE_REGISTRATION

    if application.channel == ApplicationChannel.COUNTER:
        return check_of(application.applicant_id, counter_check_purpose(application))
    return check_of(application.applicant_id, PURPOSE_REGISTRATION)


def practitioner_check(application):
    """The SATUSEHAT SDMK check of a health-worker permit (None when none was made)."""
    from mpp.cases import sip
    from mpp.integrations.selectors import practitioner_check_of

    if not sip.needs_check(application):
        return None
    return practitioner_check_of(application.applicant_id, sip.purpose_of(application))
