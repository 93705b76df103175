"""Reads of the queue, scoped to the person asking: set-up, consoles, line, estimates, statistics.

The console and the statistics show ticket numbers, services and times only, never a citizen's
name or NIK, so they record no AccessRecord (docs/queue.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from mpp.accounts.models import User
from mpp.accounts.policy import Perm, can, scope_filter
from mpp.queueing import services
from mpp.queueing.models import (
    AssistanceRequest,
    CallEvent,
    Channel,
    Counter,
    QueueRules,
    ServiceQueue,
    Ticket,
    TicketLeg,
)
from mpp.queueing.services import local_now, waiting_line, with_assistance
from mpp.tenancy.models import MPP

# Without any service finished today, a service is assumed to take this long per citizen.
DEFAULT_SERVICE_MINUTES = 10
PATHS = {"agency": "agency_id", "mpp": "mpp_id", "region": "mpp__region_id"}


def manageable_mpps(user: User) -> QuerySet[MPP]:
    """MPPs where ``user`` sets up the queue (the manager) or their agency's part (agency admin)."""
    from mpp.tenancy.models import AgencyPresence

    mpp_ids = AgencyPresence.objects.filter(scope_filter(user, Perm.MANAGE_QUEUE, **PATHS)).values(
        "mpp_id"
    )
    return MPP.objects.filter(pk__in=mpp_ids).select_related("region").order_by("name")


def manageable_mpp(user: User, pk: int) -> MPP:
    mpp = manageable_mpps(user).filter(pk=pk).first()
    if mpp is None:
        raise Http404
    return mpp


def manages_whole_mpp(user: User, mpp: MPP) -> bool:
    return can(user, Perm.MANAGE_QUEUE, mpp)


def queues_managed(user: User, mpp: MPP) -> QuerySet[ServiceQueue]:
    return (
        ServiceQueue.objects.filter(mpp=mpp)
        .filter(scope_filter(user, Perm.MANAGE_QUEUE, **PATHS))
        .select_related("service", "agency")
    )


def counters_managed(user: User, mpp: MPP) -> QuerySet[Counter]:
    return (
        Counter.objects.filter(mpp=mpp)
        .filter(scope_filter(user, Perm.MANAGE_QUEUE, **PATHS))
        .select_related("agency")
        .prefetch_related("queues__service")
    )


def counters_for_officer(user: User, *, for_page: bool = True) -> QuerySet[Counter]:
    """The counters ``user`` serves at, with their MPP and its region and their queues (the line is
    cut from these ids) in one more query. ``for_page``: with what a page shows of them too (the
    agency, the queues' services); an action posted from the console needs neither."""
    counters = (
        Counter.objects.filter(is_active=True)
        .filter(scope_filter(user, Perm.SERVE_QUEUE, **PATHS))
        .select_related("mpp__region")
    )
    if not for_page:
        return counters.prefetch_related("queues")
    return counters.select_related("agency").prefetch_related(
        Prefetch("queues", queryset=ServiceQueue.objects.select_related("service"))
    )


def counter_for_officer(user: User, pk: int, *, for_page: bool = True) -> Counter:
    counter = counters_for_officer(user, for_page=for_page).filter(pk=pk).first()
    if counter is None:
        raise Http404
    return counter


def line_head(counter: Counter, day: datetime.date, size: int = 10) -> tuple[Sequence[Ticket], int]:
    """The first ``size`` tickets of the counter's line (with their services) and the length of
    the whole line, in one query.

    The head's ids are picked first (the line's narrow rows, in calling order), and only those
    rows are joined to their services; the length is a count of the same line in a subquery, run
    once. (A window count over the head made PostgreSQL join the whole line to its services and
    sort it, spilling to disk: 13 ms for 1,469 waiting, on every refresh of every console.)"""
    line = waiting_line(counter, day)
    length = line.order_by().values("mpp_id").annotate(n=Count("id")).values("n")
    first = line.values("pk")[:size]
    head = list(
        with_assistance(
            Ticket.objects.filter(pk__in=Subquery(first))
            .select_related("service")
            .order_by(*line.query.order_by)
        ).annotate(line_length=Subquery(length, output_field=IntegerField()))
    )
    return head, head[0].line_length if head else 0


def ticket_at_counter(counter: Counter, pk: int) -> Ticket:
    ticket = (
        Ticket.objects.select_related("queue", "service", "mpp__region")
        .filter(pk=pk, mpp_id=counter.mpp_id)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def bookings_of(citizen: User) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(citizen=citizen, channel=Channel.ONLINE)
        .select_related("service", "mpp__region", "queue")
        .order_by("-date", "-slot_starts", "-id")
    )


def booking_of(citizen: User, pk: int) -> Ticket:
    ticket = bookings_of(citizen).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


def ticket_by_token(token: str) -> Ticket:
    ticket = (
        with_assistance(
            Ticket.objects.select_related(
                "service", "mpp__region", "queue", "counter", "next_queue__service"
            )
        )
        .filter(token=token)
        .first()
        if token and len(token) <= 64
        else None
    )
    if ticket is None:
        raise Http404
    return ticket


def kiosk_queues(mpp: MPP) -> tuple[list[ServiceQueue], int]:
    """The MPP's active queues for the kiosk and its limit of services per number
    (``QueueRules.max_services``, the default when no rules were saved), read in one query."""
    limit = QueueRules.objects.filter(mpp=OuterRef("mpp_id")).values("max_services")[:1]
    default = QueueRules._meta.get_field("max_services").get_default()
    rows = list(
        ServiceQueue.objects.filter(mpp=mpp, is_active=True)
        .select_related("service")
        .annotate(max_services=Coalesce(Subquery(limit), Value(default)))
    )
    most = max((int(row.max_services) for row in rows), default=1)
    return list[ServiceQueue](rows), most


@dataclass(frozen=True)
class VisitStop:
    """One service of a visit of several, as the ticket page and the booking page list it."""

    position: int
    service: str
    state: str  # "done", "now" or "later"
    counter: int | None


def visit_of(ticket: Ticket) -> list[VisitStop]:
    """The services of ``ticket``'s visit in order, with which are done, which it stands in now
    and which come later; empty for a single service (no query then)."""
    if ticket.legs <= 1:
        return []
    stops = []
    for leg in TicketLeg.objects.filter(ticket=ticket).select_related("queue__service", "counter"):
        if leg.position < ticket.leg:
            state, number = "done", leg.counter.number if leg.counter else None
        elif leg.position == ticket.leg:
            state = "done" if ticket.status == "served" else "now"
            number = ticket.counter.number if ticket.counter else None
        else:
            state, number = "later", None
        service = ticket.service if leg.position == ticket.leg else leg.queue.service
        stops.append(VisitStop(leg.position, service.name, state, number))
    return stops


def addable_queues(ticket: Ticket, visit: Sequence[VisitStop]) -> list[ServiceQueue]:
    """The MPP's other active services a booking could add to its visit (the service says whether
    each serves that day); none once the visit holds the MPP's limit."""
    limit = services.rules_of(ticket.mpp).max_services
    if max(ticket.legs, len(visit)) >= limit:
        return []
    taken = [
        ticket.queue_id,
        *TicketLeg.objects.filter(ticket=ticket).values_list("queue_id", flat=True),
    ]
    return list(
        ServiceQueue.objects.filter(mpp_id=ticket.mpp_id, is_active=True)
        .exclude(pk__in=taken)
        .select_related("service")
        .order_by("service__name")
    )


def bookable_queues() -> QuerySet[ServiceQueue]:
    return (
        ServiceQueue.objects.filter(
            is_active=True,
            service__current_version__isnull=False,
            service__retired_at__isnull=True,
        )
        .select_related("service", "mpp__region", "agency")
        .order_by("mpp__name", "service__name")
    )


# --- Estimates ------------------------------------------------------------------------------


def _service_time():
    return ExpressionWrapper(
        F("finished_at") - F("serving_started_at"), output_field=DurationField()
    )


def mean_service_seconds(queue: ServiceQueue, day: datetime.date) -> float:
    """The mean service time of ``queue`` today, or :data:`DEFAULT_SERVICE_MINUTES`."""
    value = (
        Ticket.objects.filter(
            mpp_id=queue.mpp_id,
            queue=queue,
            date=day,
            status="served",
            serving_started_at__isnull=False,
        )
        .aggregate(mean=Avg(_service_time()))
        .get("mean")
    )
    return value.total_seconds() if value else DEFAULT_SERVICE_MINUTES * 60


@dataclass(frozen=True)
class Estimate:
    ahead: int
    minutes: int


def _minutes(mean: datetime.timedelta | None, ahead: int, counters: int) -> int:
    seconds = mean.total_seconds() if mean else DEFAULT_SERVICE_MINUTES * 60
    return round(seconds * ahead / max(counters, 1) / 60)


def estimates(
    mpp: MPP, queues: Iterable[ServiceQueue], now: datetime.datetime | None = None
) -> dict[int, Estimate]:
    """For a new walk-in at each of ``queues`` (all of ``mpp``): how many are waiting and the
    expected wait. Three grouped queries whatever the number of services (the kiosk lists all of
    an MPP's services; one estimate per service made five queries each)."""
    day = local_now(mpp, now).date()
    ids = [queue.pk for queue in queues]
    # The MPP too (every queue is its): the day's tickets are then found through the MPP's index of
    # the day's statuses, not among every ticket the queues ever had.
    today = Ticket.objects.filter(mpp_id=mpp.pk, queue_id__in=ids, date=day)
    waiting = dict(
        today.filter(status="waiting")
        .values("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
        .order_by()
    )
    means = dict(
        today.filter(status="served", serving_started_at__isnull=False)
        .values("queue_id")
        .annotate(mean=Avg(_service_time()))
        .values_list("queue_id", "mean")
        .order_by()
    )
    counters = dict(
        ServiceQueue.objects.filter(pk__in=ids, counters__is_active=True)
        .annotate(n=Count("counters"))
        .values_list("pk", "n")
        .order_by()
    )
    return {
        pk: Estimate(
            waiting.get(pk, 0), _minutes(means.get(pk), waiting.get(pk, 0), counters.get(pk, 0))
        )
        for pk in ids
    }


def estimate(
    queue: ServiceQueue, *, ticket: Ticket | None = None, now: datetime.datetime | None = None
) -> Estimate:
    """How many are ahead and the expected wait in minutes, for a new walk-in or for ``ticket``."""
    if ticket is None:
        return estimates(queue.mpp, [queue], now)[queue.pk]
    if ticket.status != "waiting":
        return Estimate(0, 0)
    day = local_now(queue.mpp, now).date()
    same = Q(priority=ticket.priority) & (
        Q(lane__lt=ticket.lane) | Q(lane=ticket.lane, line_at__lt=ticket.line_at)
    )
    before = same if ticket.priority else Q(priority=True) | same
    ahead = (
        Ticket.objects.filter(queue=queue, date=day, status="waiting")
        .filter(before)
        .exclude(pk=ticket.pk)
        .count()
    )
    counters = queue.counters.filter(is_active=True).count()
    mean = mean_service_seconds(queue, day)
    return Estimate(ahead, _minutes(datetime.timedelta(seconds=mean), ahead, counters))


def waits_now(mpp: MPP, now: datetime.datetime | None = None) -> list[dict]:
    """Per service of the MPP: people waiting and the expected wait for a new walk-in."""
    queues = list(ServiceQueue.objects.filter(mpp=mpp, is_active=True).select_related("service"))
    guesses = estimates(mpp, queues, now)
    return [
        {"queue": queue, "waiting": guesses[queue.pk].ahead, "minutes": guesses[queue.pk].minutes}
        for queue in queues
    ]


# --- The hall display ------------------------------------------------------------------------


def display_mpp(slug: str) -> MPP:
    mpp = MPP.objects.select_related("region").filter(slug=slug, is_active=True).first()
    if mpp is None:
        raise Http404
    return mpp


def latest_calls(
    mpp: MPP, *, limit: int = 8, now: datetime.datetime | None = None
) -> list[CallEvent]:
    """The most recent call of each counter today (newest first), at most ``limit``."""
    day = local_now(mpp, now).date()
    start = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), local_now(mpp, now).tzinfo
    )
    seen: set[int] = set()
    result = []
    # The day's last 50 calls are picked from the calls alone (the MPP's index, newest first) and
    # only those joined to their tickets and services: the planner cannot tell how many calls a
    # day so far has and would otherwise join every one of them before keeping 50.
    recent = CallEvent.objects.filter(mpp=mpp, at__gte=start).order_by("-id").values("id")[:50]
    for event in (
        CallEvent.objects.filter(id__in=recent)
        .select_related("counter", "ticket__service", "ticket__next_queue__service")
        .order_by("-id")
    ):
        if event.counter_id in seen:
            continue
        seen.add(event.counter_id)
        result.append(event)
        if len(result) == limit:
            break
    return result


def last_call_id(mpp: MPP) -> int:
    return (
        CallEvent.objects.filter(mpp=mpp).order_by("-id").values_list("id", flat=True).first() or 0
    )


# --- Statistics -------------------------------------------------------------------------------


def _durations(wait_from: str = "checked_in_at"):
    wait = ExpressionWrapper(F("called_at") - F(wait_from), output_field=DurationField())
    service = ExpressionWrapper(
        F("finished_at") - F("serving_started_at"), output_field=DurationField()
    )
    return wait, service


# Which tickets' times count, the same rule as the dashboards' daily facts
# (``reporting.facts.queueing.served_facts``): served tickets only, a wait from check-in to the
# (last) call and a service time from start to finish, each only when its end is not before its
# start (two web nodes' clocks may disagree by a little; a skipped ticket re-queued keeps its first
# call). So an average is never negative and the statistics page agrees with the dashboard.
COUNTED_WAIT = Q(status="served", called_at__gte=F("checked_in_at"))
COUNTED_SERVICE = Q(status="served", finished_at__gte=F("serving_started_at"))
# The same for a service of a visit the ticket moved on from (``TicketLeg``, issue 28): its wait
# from joining that service's line to its call (``reporting.facts.queueing.leg_facts``).
LEG_COUNTED_WAIT = Q(called_at__gte=F("joined_at"))
LEG_COUNTED_SERVICE = Q(finished_at__gte=F("serving_started_at"))
LEG_PATHS = {
    "agency": "queue__agency_id",
    "mpp": "queue__mpp_id",
    "region": "queue__mpp__region_id",
}
# The statistics' groups: a ticket's fields and the same for a finished service of a visit.
STAT_GROUPS = {
    "by_day": (("date",), ("ticket__date",)),
    "by_counter": (("date", "counter__number"), ("ticket__date", "counter__number")),
    "by_agency": (("date", "agency__name"), ("ticket__date", "queue__agency__name")),
}


def statistics(user: User, mpp: MPP, start: datetime.date, end: datetime.date) -> dict:
    """Waiting and service times per day, counter and agency, and the no-show rate, for the tickets
    of ``mpp`` the user oversees (the manager: all; an agency admin: their agency's).

    A visit of several services counts once for each service it was served in, at the agency
    and counter that served it (the services it moved on from are its ``TicketLeg`` rows); a
    no-show counts once."""
    tickets = Ticket.objects.filter(mpp=mpp, date__gte=start, date__lte=end).filter(
        scope_filter(user, Perm.MANAGE_QUEUE, **PATHS)
        | scope_filter(user, Perm.VIEW_STATISTICS, **PATHS)
    )
    legs = TicketLeg.objects.filter(
        ticket__mpp=mpp, ticket__date__gte=start, ticket__date__lte=end, finished_at__isnull=False
    ).filter(
        scope_filter(user, Perm.MANAGE_QUEUE, **LEG_PATHS)
        | scope_filter(user, Perm.VIEW_STATISTICS, **LEG_PATHS)
    )
    wait, service = _durations()
    leg_wait, leg_service = _durations("joined_at")

    def grouped(ticket_fields, leg_fields):
        rows: dict[tuple, dict] = {}
        for row in (
            tickets.values(*ticket_fields)
            .order_by()
            .annotate(
                tickets=Count("id"),
                served=Count("id", filter=Q(status="served")),
                no_show=Count("id", filter=Q(status="no_show")),
                booked=Count("id", filter=Q(channel=Channel.ONLINE) & ~Q(status="cancelled")),
                wait_sum=Sum(wait, filter=COUNTED_WAIT),
                wait_n=Count("id", filter=COUNTED_WAIT),
                service_sum=Sum(service, filter=COUNTED_SERVICE),
                service_n=Count("id", filter=COUNTED_SERVICE),
            )
        ):
            rows[tuple(row[field] for field in ticket_fields)] = row
        for leg in (
            legs.values(*leg_fields)
            .order_by()
            .annotate(
                tickets=Count("id"),
                wait_sum=Sum(leg_wait, filter=LEG_COUNTED_WAIT),
                wait_n=Count("id", filter=LEG_COUNTED_WAIT),
                service_sum=Sum(leg_service, filter=LEG_COUNTED_SERVICE),
                service_n=Count("id", filter=LEG_COUNTED_SERVICE),
            )
        ):
            key = tuple(leg[field] for field in leg_fields)
            row = rows.setdefault(
                key,
                dict(zip(ticket_fields, key, strict=True))
                | {"tickets": 0, "served": 0, "no_show": 0, "booked": 0}
                | {"wait_sum": None, "wait_n": 0, "service_sum": None, "service_n": 0},
            )
            row["tickets"] += leg["tickets"]
            row["served"] += leg["tickets"]
            for key_sum, key_n in (("wait_sum", "wait_n"), ("service_sum", "service_n")):
                if leg[key_n]:
                    row[key_sum] = (row[key_sum] or datetime.timedelta()) + leg[key_sum]
                    row[key_n] += leg[key_n]
        return [rows[key] for key in sorted(rows, key=lambda k: tuple((v is None, v) for v in k))]

    def minutes(rows):
        for row in rows:
            for key, total, count in (
                ("mean_wait", row.pop("wait_sum"), row.pop("wait_n")),
                ("mean_service", row.pop("service_sum"), row.pop("service_n")),
            ):
                row[key] = round(total.total_seconds() / count / 60, 1) if count else None
            row["no_show_rate"] = (
                round(row["no_show"] / row["booked"], 3) if row["booked"] else None
            )
        return rows

    result = {name: minutes(grouped(*fields)) for name, fields in STAT_GROUPS.items()}
    result["by_counter"] = [
        row for row in result["by_counter"] if row["counter__number"] is not None
    ]
    return result


def can_view_statistics(user: User, mpp: MPP) -> bool:
    from mpp.tenancy.models import AgencyPresence

    return (
        AgencyPresence.objects.filter(mpp=mpp)
        .filter(
            scope_filter(user, Perm.MANAGE_QUEUE, **PATHS)
            | scope_filter(user, Perm.VIEW_STATISTICS, **PATHS)
        )
        .exists()
    )


def service_queue_section(service) -> str:
    """The public service page's queue section (``catalog.extensions``): a link to book a number
    when the service has an active queue; nothing otherwise."""
    from django.template.loader import render_to_string

    queue = (
        ServiceQueue.objects.filter(service=service, is_active=True).select_related("mpp").first()
    )
    if queue is None:
        return ""
    return render_to_string("queueing/_service_section.html", {"queue": queue})


# --- The API ----------------------------------------------------------------------------------

API_QUEUE_ORDER = ("mpp_key", "service_key", "id")
API_BOOKING_ORDER = ("-date", "-slot_starts", "-id")


def bookable_queues_for_api() -> QuerySet[ServiceQueue]:
    """:func:`bookable_queues`, keyed for cursor pages by MPP name, service name and id."""
    return bookable_queues().annotate(mpp_key=F("mpp__name"), service_key=F("service__name"))


def bookable_queue(pk: int) -> ServiceQueue:
    queue = bookable_queues().filter(pk=pk).first()
    if queue is None:
        raise Http404
    return queue


def queue_mpp(pk: int, *, active_only: bool = True) -> MPP:
    """An MPP (with its region, for its clock) for the queue's public reads and statistics."""
    mpps = MPP.objects.select_related("region").filter(pk=pk)
    mpp = (mpps.filter(is_active=True) if active_only else mpps).first()
    if mpp is None:
        raise Http404
    return mpp


# --- Assistance (pendampingan) -------------------------------------------------------------------


def assistance_of(tickets: Iterable[Ticket]) -> dict[int, list[AssistanceRequest]]:
    """The requests of each ticket that has any (``has_assistance``, else every ticket given), in
    one query, or none when no ticket has any."""
    asked = [t.pk for t in tickets if getattr(t, "has_assistance", True)]
    found: dict[int, list[AssistanceRequest]] = {pk: [] for pk in asked}
    if asked:
        for row in AssistanceRequest.objects.filter(ticket_id__in=asked).order_by(
            "ticket_id", "id"
        ):
            found[row.ticket_id].append(row)
    return found


def assistance_mpps(user: User) -> QuerySet[MPP]:
    """MPPs whose hall ``user`` staffs (``ASSIST_VISITORS``)."""
    return (
        MPP.objects.filter(
            scope_filter(user, Perm.ASSIST_VISITORS, agency=None, mpp="pk", region="region_id")
        )
        .select_related("region")
        .order_by("name")
    )


def assistance_mpp(user: User, pk: int) -> MPP:
    mpp = assistance_mpps(user).filter(pk=pk).first()
    if mpp is None:
        raise Http404
    return mpp


def assistance_today(mpp: MPP, day: datetime.date) -> list[tuple[Ticket, list[AssistanceRequest]]]:
    """The MPP's requests for ``day`` (the visit day) by ticket: tickets with an open request
    first, then by ticket number."""
    by_ticket: dict[int, tuple[Ticket, list[AssistanceRequest]]] = {}
    rows = (
        AssistanceRequest.objects.filter(mpp=mpp, date=day)
        .select_related("ticket__service", "ticket__counter")
        .order_by("ticket_id", "id")
    )
    for row in rows:
        by_ticket.setdefault(row.ticket_id, (row.ticket, []))[1].append(row)
    return sorted(
        by_ticket.values(),
        key=lambda pair: (
            all(row.status != "open" for row in pair[1]),
            pair[0].code,
        ),
    )


def assistance_request(pk: int) -> AssistanceRequest:
    """One request with its ticket and MPP (the service decides who may mark it)."""
    row = (
        AssistanceRequest.objects.select_related("ticket__mpp__region", "mpp__region")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    return row
