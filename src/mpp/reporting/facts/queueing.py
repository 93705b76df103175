"""Daily facts of the queue (antrean): tickets served, no-shows, waiting and service times.

Counted by hooks on the ``queue_ticket`` workflow and recomputed from ``queueing.Ticket`` rows with
the same rules, so ``recompute_facts`` finds no difference when every hook ran. The day of a ticket
is its queue day (``Ticket.date``, local to the MPP); the unit is its MPP, agency and service at the
end (after a transfer, the service that served it).

* served (and served online bookings) when the ticket reaches ``served``, with the wait (from
  check-in or the walk-in ticket to the last call) and the service time (start to finish) in
  seconds, summed, for the averages;
* no-shows when a ticket reaches ``no_show`` (online bookings, and skipped walk-ins that never came
  back).

A visit of several services on one number (issue 28) counts each service it was served in: a
service the ticket moves on from (``next_service``) is counted from its ``queueing.TicketLeg`` (its
agency and service, its wait from joining that line to the call, its service time), the last one
from the ticket as above. The online and no-show metrics stay one per ticket.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from mpp.queueing.models import Channel, Ticket, TicketLeg
from mpp.reporting.facts import FactKey, FactSource, Indicator, Metric, Unit, bump_many

WORKFLOW = "queue_ticket"
SERVED = "queue.served"
SERVED_ONLINE = "queue.served_online"
NO_SHOW = "queue.no_show"
NO_SHOW_ONLINE = "queue.no_show_online"
WAIT_SUM = "queue.wait_seconds_sum"
WAIT_COUNT = "queue.wait_count"
SERVICE_SUM = "queue.service_seconds_sum"
SERVICE_COUNT = "queue.service_count"
ONLINE_CONCLUDED = "queue.online_concluded"


def _unit(ticket: Ticket) -> Unit:
    return Unit(ticket.mpp.region_id, ticket.mpp_id, ticket.agency_id, ticket.service_id)


def _seconds(start, end) -> int | None:
    if start is None or end is None or end < start:
        return None
    return int((end - start).total_seconds())


def _concluded(ticket: Ticket, metric: str, online_metric: str) -> dict[FactKey, int]:
    """A ticket served or not shown: its metric, and for an online booking also the online one."""
    unit, day = _unit(ticket), ticket.date
    facts = {FactKey(day, unit, metric): 1}
    if ticket.channel == Channel.ONLINE:
        facts[FactKey(day, unit, online_metric)] = 1
        facts[FactKey(day, unit, ONLINE_CONCLUDED)] = 1
    return facts


def served_facts(ticket: Ticket) -> dict[FactKey, int]:
    facts = _concluded(ticket, SERVED, SERVED_ONLINE)
    _durations(
        facts, ticket.date, _unit(ticket), ticket.checked_in_at, ticket.called_at,
        ticket.serving_started_at, ticket.finished_at,
    )  # fmt: skip
    return facts


def _durations(facts, day, unit, wait_from, called, started, finished) -> None:
    """The wait (``wait_from`` → ``called``) and service time (``started`` → ``finished``) sums and
    counts, each only when its end is not before its start."""
    for total, count, seconds in (
        (WAIT_SUM, WAIT_COUNT, _seconds(wait_from, called)),
        (SERVICE_SUM, SERVICE_COUNT, _seconds(started, finished)),
    ):
        if seconds is not None:
            facts[FactKey(day, unit, total)] = seconds
            facts[FactKey(day, unit, count)] = 1


def leg_facts(leg: TicketLeg) -> dict[FactKey, int]:
    """A service of a visit the ticket moved on from: served, with its wait and service time."""
    ticket = leg.ticket
    unit = Unit(ticket.mpp.region_id, ticket.mpp_id, leg.queue.agency_id, leg.queue.service_id)
    facts = {FactKey(ticket.date, unit, SERVED): 1}
    _durations(
        facts, ticket.date, unit, leg.joined_at, leg.called_at, leg.serving_started_at,
        leg.finished_at,
    )  # fmt: skip
    return facts


def no_show_facts(ticket: Ticket) -> dict[FactKey, int]:
    return _concluded(ticket, NO_SHOW, NO_SHOW_ONLINE)


def count_served(ticket: Ticket, record) -> None:
    bump_many(served_facts(ticket))


def count_no_show(ticket: Ticket, record) -> None:
    bump_many(no_show_facts(ticket))


def count_leg_served(ticket: Ticket, record) -> None:
    leg = TicketLeg.objects.select_related("queue", "ticket__mpp").get(
        ticket=ticket, position=record.data["leg"]
    )
    bump_many(leg_facts(leg))


class QueueFacts(FactSource):
    def register_hooks(self, registry) -> None:
        registry.register(WORKFLOW, count_served, target="served")
        registry.register(WORKFLOW, count_no_show, target="no_show")
        registry.register(WORKFLOW, count_leg_served, action="next_service")

    def recompute(self, start: datetime.date, end: datetime.date) -> dict[FactKey, int]:
        totals: dict[FactKey, int] = defaultdict(int)
        rows = (
            Ticket.objects.filter(date__gte=start, date__lte=end, status__in=("served", "no_show"))
            .select_related("mpp")
            .only(
                "status", "channel", "date", "mpp__region_id", "agency_id", "service_id",
                "checked_in_at", "called_at", "serving_started_at", "finished_at",
            )
        )  # fmt: skip
        for ticket in rows.iterator(chunk_size=2000):
            facts = served_facts(ticket) if ticket.status == "served" else no_show_facts(ticket)
            for key, value in facts.items():
                totals[key] += value
        legs = TicketLeg.objects.filter(
            ticket__date__gte=start, ticket__date__lte=end, finished_at__isnull=False
        ).select_related("queue", "ticket__mpp")
        for leg in legs.iterator(chunk_size=2000):
            for key, value in leg_facts(leg).items():
                totals[key] += value
        return {k: v for k, v in totals.items() if v}


source = QueueFacts(
    name="queue",
    label=_("Antrean"),
    order=20,
    metrics=(
        Metric(SERVED, _("Tiket antrean dilayani")),
        Metric(SERVED_ONLINE, _("Pemesanan daring dilayani")),
        Metric(NO_SHOW, _("Tiket antrean tidak hadir")),
        Metric(NO_SHOW_ONLINE, _("Pemesanan daring tidak hadir")),
        Metric(ONLINE_CONCLUDED, _("Pemesanan daring dilayani atau tidak hadir")),
        Metric(WAIT_SUM, _("Jumlah detik waktu tunggu antrean"), kind="sum"),
        Metric(WAIT_COUNT, _("Tiket dengan waktu tunggu terhitung")),
        Metric(SERVICE_SUM, _("Jumlah detik waktu layanan di loket"), kind="sum"),
        Metric(SERVICE_COUNT, _("Tiket dengan waktu layanan terhitung")),
    ),
    indicators=(
        Indicator("queue.served", _("Warga dilayani di loket"), SERVED, order=110),
        Indicator.minutes(
            "queue.wait", _("Rata-rata waktu tunggu antrean"), WAIT_SUM, WAIT_COUNT, order=120
        ),
        Indicator.minutes(
            "queue.service_time",
            _("Rata-rata waktu layanan di loket"),
            SERVICE_SUM,
            SERVICE_COUNT,
            headline=False,
            order=130,
        ),
        Indicator(
            "queue.no_show_rate",
            _("Pemesanan daring tidak hadir"),
            NO_SHOW_ONLINE,
            ONLINE_CONCLUDED,
            kind="ratio",
            unit_label="%",
            higher_is_better=False,
            headline=False,
            order=140,
        ),
    ),
)
