"""Reads of applications, always scoped to the person asking.

A citizen sees their own applications; staff see what ``Perm.WORK`` covers (officers: their agency
at their MPP). Anything else is "not found", never "forbidden", so ids reveal nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mpp.accounts.policy import Perm, can, grants_for, scope_filter
from mpp.cases.models import Application, ApplicationDocument, InternalNote
from mpp.cases.workflow import CITIZEN, OFFICER, OPEN
from mpp.workflows.selectors import timeline

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


def actor_kinds(user, application: Application) -> set[str]:
    """The workflow actor kinds ``user`` holds for ``application`` (decided by the policy)."""
    kinds: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return kinds
    if application.applicant_id == user.pk:
        kinds.add(CITIZEN)
    if can(user, Perm.WORK, application):
        kinds.add(OFFICER)
    return kinds


def staff_scope(user) -> Q:
    return scope_filter(user, Perm.WORK, agency="agency_id", mpp="mpp_id", region="mpp__region_id")


def is_staff_worker(user) -> bool:
    return bool(grants_for(user, Perm.WORK))


# --- Citizens ------------------------------------------------------------------------------


# The orders lists are paged in (keyset pager): newest first; soonest deadline first, none last.
CITIZEN_ORDER = ("-created_at", "-id")
INBOX_ORDER = ("due_at?", "-id")


def applications_of_citizen(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .with_breached()
        .select_related("service_version", "mpp__region", "agency")
        .defer(*LIST_DEFERRED)
        .order_by("-created_at", "-id")
    )


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


def local_zone(user) -> ZoneInfo:
    """The zone of the officer's (first) MPP, for "due today"; WIB when the grant has no MPP."""
    for grant in grants_for(user, Perm.WORK):
        if grant.mpp_id:
            return ZoneInfo(grant.mpp.region.timezone)
        if grant.region_id:
            return ZoneInfo(grant.region.timezone)
    return ZoneInfo("Asia/Jakarta")


def _day_bounds(zone: ZoneInfo, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


def _due_on(zone: ZoneInfo, day: datetime.date) -> Q:
    start, end = _day_bounds(zone, day)
    return Q(due_at__gte=start, due_at__lt=end)


def inbox(user, filters: InboxFilters | None = None, now=None) -> QuerySet[Application]:
    """The unit's work queue, soonest deadline first: open applications unless a status is chosen
    (drafts only when asked for: those an officer started at the counter)."""
    filters = filters or InboxFilters()
    now = now or timezone.now()
    rows = Application.objects.filter(staff_scope(user))
    if filters.status == "draft":
        rows = rows.filter(status="draft", channel="counter")
    elif filters.status:
        rows = rows.filter(status=filters.status)
    else:
        rows = rows.filter(status__in=OPEN)
    if filters.service:
        rows = rows.filter(service_id=filters.service)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.mine:
        rows = rows.filter(assigned_to=user)
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


def due_counts(user, now=None) -> dict[str, int]:
    """How many open applications are due today and tomorrow (the officer's local dates)."""
    now = now or timezone.now()
    zone = local_zone(user)
    today = now.astimezone(zone).date()
    rows = Application.objects.filter(staff_scope(user), status__in=OPEN)
    return {
        "today": rows.filter(_due_on(zone, today)).count(),
        "tomorrow": rows.filter(_due_on(zone, today + datetime.timedelta(days=1))).count(),
        "overdue": rows.breached(now).count(),
    }


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
    """The applicant's own application, or one the staff member may work on."""
    try:
        return (
            Application.objects.filter(Q(applicant=user) | staff_scope(user))
            .with_breached()
            .select_related(*LIST_RELATED, "issued_document")
            .get(pk=int(pk))
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


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


def notes(application: Application) -> list[InternalNote]:
    return list(application.notes.select_related("author"))


def colleagues(application: Application):
    """Officers who may work on this application (for the "assign" choice)."""
    from mpp.accounts.models import Role, RoleGrant, User

    ids = RoleGrant.objects.active().filter(
        role=Role.OFFICER, agency_id=application.agency_id, mpp_id=application.mpp_id
    )
    return User.objects.filter(pk__in=ids.values("user_id"), is_active=True).order_by("name")


def answers(application: Application) -> list[dict]:
    """The visible questions with their answers, grouped by section, for summaries."""
    from mpp.cases.steps import steps_for
    from mpp.catalog.form_schema import is_visible

    documents = {str(doc.pk): doc for doc in current_documents(application)}
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
            shown = ", ".join(labels.get(v, v) for v in values)
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


def services_in_scope(user):
    """Published services of the agencies/MPPs the staff member works for (filters, counter)."""
    from mpp.catalog.models import Service

    return (
        Service.objects.published()
        .filter(
            scope_filter(user, Perm.WORK, agency="agency_id", mpp="mpp_id", region="mpp__region_id")
        )
        .order_by("name")
    )
