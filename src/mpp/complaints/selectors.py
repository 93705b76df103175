"""Reads of the complaints app, scoped to the reader; staff reads of the reporter are recorded."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mpp.accounts import privacy
from mpp.accounts.policy import (
    Perm,
    Principal,
    can,
    covering_grant,
    grants_for,
    has_any,
    scope_filter,
)
from mpp.audit.models import AccessKind, AuditAction
from mpp.audit.services import record_access, record_event
from mpp.complaints.models import (
    AgencyComplaintCount,
    Category,
    Complaint,
    ComplaintQuerySet,
    Forward,
    Kind,
    Message,
)
from mpp.complaints.workflow import AGENCY, COMPLAINT, DESK, REPORTER
from mpp.regions.calendar import RegionLike
from mpp.tenancy.models import MPP, Agency
from mpp.workflows.selectors import timeline

if TYPE_CHECKING:
    from mpp.accounts.models import User
    from mpp.catalog.models import Service

PATHS = {"agency": "agency_id", "mpp": "mpp_id", "region": "region_id"}
STAFF_PERMS = (Perm.HANDLE_COMPLAINTS, Perm.RESPOND_COMPLAINTS, Perm.OVERSEE_COMPLAINTS)
QUEUE_ORDER = ("due_at", "id")
UNVERIFIED = ("submitted", "postponed")


def is_complaint_staff(user: Principal) -> bool:
    return any(has_any(user, perm) for perm in STAFF_PERMS)


def _staff_filter(user) -> Q:
    desk = scope_filter(user, Perm.HANDLE_COMPLAINTS, agency=None, mpp="mpp_id", region="region_id")
    oversee = scope_filter(
        user, Perm.OVERSEE_COMPLAINTS, agency=None, mpp="mpp_id", region="region_id"
    )
    agency = scope_filter(user, Perm.RESPOND_COMPLAINTS, **PATHS) & ~Q(status__in=UNVERIFIED)
    return desk | oversee | (agency & Q(agency__isnull=False))


def complaints_for_staff(user: Principal) -> ComplaintQuerySet:
    return (
        Complaint.objects.filter(_staff_filter(user))
        .with_breached()
        .with_deadlines()
        .select_related("mpp", "agency", "region")
    )


def desk_queue(user: Principal) -> QuerySet[Complaint]:
    mine = scope_filter(user, Perm.HANDLE_COMPLAINTS, agency=None, mpp="mpp_id", region="region_id")
    return complaints_for_staff(user).filter(mine, status__in=("submitted", "postponed"))


def agency_inbox(user: Principal) -> QuerySet[Complaint]:
    mine = scope_filter(user, Perm.RESPOND_COMPLAINTS, **PATHS)
    return complaints_for_staff(user).filter(mine, status="forwarded")


def complaint_for_staff(user: Principal, pk: int) -> Complaint:
    return get_object_or_404(
        complaints_for_staff(user)
        .filter(pk=pk)
        .select_related("forward", "category", "service__current_version", "reported_agency")
    )


def _agency_reaches(user, complaint: Complaint) -> bool:
    """The agency's officers see a complaint once the desk forwarded it to them."""
    return bool(
        complaint.agency_id
        and complaint.status not in UNVERIFIED
        and can(user, Perm.RESPOND_COMPLAINTS, complaint)
    )


def actor_kinds(user: Principal, complaint: Complaint) -> set[str]:
    kinds = set()
    if can(user, Perm.HANDLE_COMPLAINTS, complaint):
        kinds.add(DESK)
    if _agency_reaches(user, complaint):
        kinds.add(AGENCY)
    if complaint.reporter_id and complaint.reporter_id == getattr(user, "pk", None):
        kinds.add(REPORTER)
    return kinds


def _handles_reporter(user, complaint: Complaint) -> bool:
    """The desk always; the agency once the complaint is forwarded to it, unless anonim."""
    if can(user, Perm.HANDLE_COMPLAINTS, complaint):
        return True
    return not complaint.is_anonymous and _agency_reaches(user, complaint)


def reporter_exposure(user: Principal, complaint: Complaint) -> privacy.Exposure:
    """How much of the reporter ``user`` sees (``accounts.privacy``): the reporter and those
    handling it whole; oversight masked (initials), nothing when anonim or rahasia; the public and
    the ministry nothing."""
    related = privacy.relation(
        user,
        complaint,
        owner_id=complaint.reporter_id,
        handles=_handles_reporter(user, complaint),
        oversight=(Perm.OVERSEE_COMPLAINTS,),
    )
    return privacy.exposure(related, withheld=complaint.is_anonymous or complaint.is_confidential)


def sees_reporter(user: Principal, complaint: Complaint) -> bool:
    return reporter_exposure(user, complaint) == privacy.Exposure.WHOLE


def _record_reporter_read(user, complaint: Complaint, *, channel: str) -> None:
    grant = covering_grant(user, Perm.HANDLE_COMPLAINTS, complaint) or covering_grant(
        user, Perm.RESPOND_COMPLAINTS, complaint
    )
    if complaint.reporter_id:
        record_access(
            viewer=user,
            subject_id=complaint.reporter_id,
            role=grant.role if grant else "",
            agency_name=complaint.agency.name if complaint.agency else complaint.mpp.name,
            kind=AccessKind.CITIZEN,
            reference=complaint.tracking_number,
            channel=channel,
        )
    else:
        record_event(
            AuditAction.COMPLAINT_REPORTER_VIEWED,
            actor=user,
            target=complaint,
            summary=complaint.tracking_number,
            data={"channel": channel},
        )


def reporter_for(user: Principal, complaint: Complaint, *, channel: str) -> privacy.Person:
    """The reporter as ``user`` may see them; a staff read of the whole identity is recorded
    (an account holder sees it in "Siapa yang melihat data saya"; a guest's read is an audit
    event)."""
    shown_as = reporter_exposure(user, complaint)
    if shown_as == privacy.Exposure.WHOLE and complaint.reporter_id != user.pk:
        _record_reporter_read(user, complaint, channel=channel)
    if complaint.is_anonymous:
        hidden = _("Anonim")
    elif complaint.is_confidential:
        hidden = _("Dirahasiakan")
    else:
        hidden = _("Tidak ditampilkan")
    return privacy.person(
        shown_as,
        name=complaint.reporter_name,
        email=complaint.reporter_email,
        phone=complaint.reporter_phone,
        hidden_label=hidden,
    )


def read_reporter(user: Principal, complaint: Complaint, *, channel: str) -> dict | None:
    """The reporter's name and contact for a staff member who may see them whole, recorded each
    time; None when the reader may not."""
    if not sees_reporter(user, complaint):
        return None
    reporter = reporter_for(user, complaint, channel=channel)
    return {"name": reporter.name, "email": reporter.email, "phone": reporter.phone}


ESCALATING = ("escalate", "exceed_limit")


def desk_history(complaint: Complaint, *, with_notes: bool) -> tuple[list[dict], list[dict]]:
    """What the back office reads of the complaint's history, in one query of its transitions:

    - the desk's notes when it forwarded the complaint (verify) or moved it to another agency
      (reassign), oldest first, with the agency it went to: what the agency needs to know first.
      Only for those who handle the complaint (``with_notes``: desk and agency), never the
      reporter or the public;
    - its escalations (``level`` 1: the MPP manager, 2: the regional admin; ``whole_case``: past
      the whole-case limit, told to both), for every staff reader.
    """
    # The agency's name is read in the same query as the records (a subquery on the id the
    # action kept in its data).
    agency_name = Agency.objects.filter(
        pk=Cast(KeyTextTransform("agency_id", OuterRef("data")), IntegerField())
    ).values("name")[:1]
    forwarding = ("verify", "reassign") if with_notes else ()
    records = (
        timeline(complaint)
        .filter(Q(action__in=forwarding) & ~Q(note="") | Q(action__in=ESCALATING))
        .annotate(agency_name=Subquery(agency_name))
    )
    notes, escalations = [], []
    for record in records:
        if record.action in ESCALATING:
            escalations.append(
                {
                    "level": record.data.get("level"),
                    "whole_case": record.action == "exceed_limit",
                    "at": record.at,
                }
            )
            continue
        transition = COMPLAINT.transition(record.action, record.from_state)
        notes.append(
            {
                "label": transition.label if transition else record.action,
                "agency": record.agency_name or "",
                "at": record.at,
                "note": record.note,
            }
        )
    return notes, escalations


def categories_for(region: RegionLike | None) -> QuerySet[Category]:
    """The complaint categories of a kab/kota: the national ones, where the kab/kota has a
    category with the same code its own replaces the national one; no other region's. The one
    rule for the web form, the API and Open311 (``region`` None: the national ones only)."""
    region_id = getattr(region, "pk", region)
    if region_id is None:
        return Category.objects.filter(region__isnull=True).order_by("name", "code")
    own = Category.objects.filter(region_id=region_id)
    return Category.objects.filter(
        Q(region_id=region_id) | (Q(region__isnull=True) & ~Q(code__in=own.values("code")))
    ).order_by("name", "code")


def category_for(region: RegionLike | None, code: str) -> Category | None:
    """The category with this code for the kab/kota (its own, else the national one)."""
    return categories_for(region).filter(code=code).first()


# --- Citizens and the public -----------------------------------------------------------------


def complaints_of(user: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(reporter=user).with_deadlines().select_related("mpp", "agency")


def complaint_by_follow_token(token: str) -> Complaint:
    return get_object_or_404(
        Complaint.objects.filter(follow_token=token)
        .with_deadlines()
        .select_related(
            "mpp", "agency", "region", "forward", "category", "service__current_version"
        )
    )


def lapor_forward(complaint: Complaint) -> Forward | None:
    """The complaint's hand-off to SP4N-LAPOR! (None when its region is not connected).

    Read with the complaint (``select_related("forward")``) by the page selectors, so it costs
    no query of its own there.
    """
    try:
        return complaint.forward
    except Forward.DoesNotExist:
        return None


def public_complaints(
    *, query: str = "", mpp: MPP | None = None, agency: Agency | None = None, status: str = ""
) -> QuerySet:
    """Non-confidential complaints (not consultations' private questions: all kinds are public
    unless rahasia), newest first; search in title and text."""
    rows = Complaint.objects.public().select_related("mpp", "agency").prefetch_related("messages")
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(text__icontains=query))
    if mpp:
        rows = rows.filter(mpp=mpp)
    if agency:
        rows = rows.filter(agency=agency)
    if status:
        rows = rows.filter(status=status)
    return rows


def public_complaint(tracking_number: str) -> Complaint:
    return get_object_or_404(
        Complaint.objects.public()
        .filter(tracking_number=tracking_number)
        .select_related("mpp", "agency", "category", "service__current_version")
    )


def service_faq(service: Service) -> list[Message]:
    """Consultation answers the agency marked useful, newest first (the service's FAQ)."""
    return list(
        Message.objects.filter(
            is_useful=True,
            is_response=True,
            complaint__service=service,
            complaint__kind=Kind.CONSULTATION,
            complaint__is_confidential=False,
        )
        .select_related("complaint")
        .order_by("-at", "-id")[:10]
    )


def service_faq_section(service) -> str:
    faq = service_faq(service)
    if not faq:
        return ""
    return render_to_string("complaints/_service_faq.html", {"faq": faq})


# --- Statistics for the manager ------------------------------------------------------------------


def statistics_per_agency(user: Principal) -> list[dict]:
    """Per agency: received, answered, answered on time, on-time rate, escalated now and the mean
    response time, summed from the counters the database keeps with every change of a complaint
    (``AgencyComplaintCount``; one grouped read, never a count of the scope's complaints)."""
    result = (
        AgencyComplaintCount.objects.filter(
            scope_filter(
                user, Perm.OVERSEE_COMPLAINTS, agency=None, mpp="mpp_id", region="region_id"
            ),
            received__gt=0,
        )
        .values("agency__name")
        .annotate(
            total_received=Sum("received"),
            total_answered=Sum("answered"),
            total_on_time=Sum("answered_on_time"),
            total_escalated=Sum("escalated"),
            total_response=Sum("response_microseconds"),
        )
        .order_by("agency__name")
    )
    out = []
    for row in result:
        answered = row["total_answered"]
        out.append(
            {
                "agency__name": row["agency__name"],
                "received": row["total_received"],
                "answered": answered,
                "on_time": row["total_on_time"],
                "escalated": row["total_escalated"],
                "mean_response": _mean_duration(row["total_response"], answered),
                "on_time_rate": round(100 * row["total_on_time"] / answered) if answered else None,
            }
        )
    return out


def _mean_duration(total_microseconds: int, count: int) -> datetime.timedelta | None:
    """The mean of ``count`` durations summing to ``total_microseconds``, to the microsecond
    (integer arithmetic: a float would lose microseconds past 285 years of summed responses)."""
    if not count:
        return None
    return datetime.timedelta(microseconds=(2 * total_microseconds + count) // (2 * count))


def oversees(user: Principal) -> bool:
    return bool(grants_for(user, Perm.OVERSEE_COMPLAINTS))


# --- The mobile app's API --------------------------------------------------------------------

API_ORDER = ("-submitted_at", "-id")


def complaints_for_api(user: User) -> QuerySet[Complaint]:
    """The caller's own complaints, with their messages (newest first: :data:`API_ORDER`)."""
    return complaints_of(user).prefetch_related("messages")


def api_view(user: User, complaint: Complaint) -> Complaint:
    """``complaint`` with what the API shows ``user``: the reporter as they may see them (a
    staff read of the whole identity is recorded) and, for the reporter, the follow link."""
    complaint.reporter_shown = reporter_for(user, complaint, channel="api").label
    own = complaint.reporter_id == user.pk
    complaint.follow_url = f"/pengaduan/lacak/{complaint.follow_token}/" if own else None
    return complaint


def api_complaint(user: User, tracking_number: str) -> Complaint | None:
    """A complaint by its number: the caller's own, or one a complaint officer may open."""
    own = complaints_of(user).filter(tracking_number=tracking_number).first()
    if own is not None or not is_complaint_staff(user):
        return own
    return complaints_for_staff(user).filter(tracking_number=tracking_number).first()


def submission_places(
    *,
    mpp: int,
    agency: int | None = None,
    service: int | None = None,
) -> dict:
    """The MPP (active), agency and published service a submission names by id; None for each
    one that does not exist. (Its category is the MPP's region's: :func:`category_for`.)"""
    from mpp.catalog.models import Service
    from mpp.tenancy.models import MPP

    return {
        "mpp": MPP.objects.filter(pk=mpp, is_active=True).first(),
        "agency": agency_by_id(agency),
        "service": Service.objects.published().filter(pk=service).first() if service else None,
    }


def agency_by_id(pk: int | None) -> Agency | None:
    from mpp.tenancy.models import Agency

    return Agency.objects.filter(pk=pk).first() if pk else None
