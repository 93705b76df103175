"""Daily facts of assistance at the MPP (pendampingan): requests by kind, and how they ended.

Counted by hooks on the queue's ``asked`` event (run by ``mpp.queueing`` in the transaction that
asks, one request per kind) and on the ``queue_assistance`` workflow (``meet``, ``decline``), and
recomputed from ``queueing.AssistanceRequest`` rows with the same rules, so ``recompute_facts``
finds no difference when every hook ran. The day is the visit day the request was made for and the
unit its MPP, agency and service then (kept on the row: a rescheduled or transferred ticket does
not move a fact already counted). A request of a booking later cancelled stays requested, neither
met nor unmet.

No indicator: the dashboards' tables (one column per indicator of every source) are wide
enough already; the MPP dashboard shows the requests per kind with how many were met and not met in a section
of its own (:func:`by_kind`), from the period totals it already reads.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mpp.queueing.models import AssistanceKind, AssistanceRequest
from mpp.queueing.services import ASKED, ASSISTANCE_EVENTS
from mpp.queueing.workflow import QUEUE_ASSISTANCE
from mpp.reporting.facts import FactKey, FactSource, Metric, Unit, bump_many

REQUESTED = "assistance.requested"
MET = "assistance.met"
UNMET = "assistance.unmet"
OUTCOMES = {"met": MET, "unmet": UNMET}


def per_kind(metric: str, kind: str) -> str:
    """The metric of one kind (``assistance.met.kursi_roda``)."""
    return f"{metric}.{kind}"


def _unit(row: AssistanceRequest) -> Unit:
    return Unit(row.mpp.region_id, row.mpp_id, row.agency_id, row.service_id)


def _facts(row: AssistanceRequest, metric: str) -> dict[FactKey, int]:
    unit = _unit(row)
    return {
        FactKey(row.date, unit, metric): 1,
        FactKey(row.date, unit, per_kind(metric, row.kind)): 1,
    }


def asked_facts(row: AssistanceRequest) -> dict[FactKey, int]:
    return _facts(row, REQUESTED)


def outcome_facts(row: AssistanceRequest) -> dict[FactKey, int]:
    """A met or unmet request: its outcome, in total and of its kind."""
    metric = OUTCOMES.get(row.status)
    return _facts(row, metric) if metric else {}


def count_asked(row: AssistanceRequest, data: object = None) -> None:
    bump_many(asked_facts(row))


def count_outcome(row: AssistanceRequest, record: object = None) -> None:
    bump_many(outcome_facts(row))


class AssistanceFacts(FactSource):
    def register_hooks(self, registry) -> None:
        registry.register(ASSISTANCE_EVENTS, count_asked, action=ASKED)
        for target in OUTCOMES:
            registry.register(QUEUE_ASSISTANCE.name, count_outcome, target=target)

    def recompute(self, start: datetime.date, end: datetime.date) -> dict[FactKey, int]:
        totals: dict[FactKey, int] = defaultdict(int)
        rows = (
            AssistanceRequest.objects.filter(date__gte=start, date__lte=end)
            .select_related("mpp")
            .only("status", "kind", "date", "mpp__region_id", "agency_id", "service_id")
        )
        for row in rows.iterator(chunk_size=2000):
            for key, value in {**asked_facts(row), **outcome_facts(row)}.items():
                totals[key] += value
        return dict(totals)


class KindRow(NamedTuple):
    label: str
    requested: int
    met: int
    unmet: int


def by_kind(totals: dict[str, int]) -> list[KindRow]:
    """The requests of each kind in a period's totals, with how many were met and unmet (kinds
    nobody asked for left out)."""
    rows = [
        KindRow(
            str(label),
            totals.get(per_kind(REQUESTED, kind), 0),
            totals.get(per_kind(MET, kind), 0),
            totals.get(per_kind(UNMET, kind), 0),
        )
        for kind, label in AssistanceKind.choices
    ]
    return [row for row in rows if row.requested or row.met or row.unmet]


_KIND_METRICS = tuple(
    Metric(per_kind(metric, kind), format_lazy("{}: {}", what, label))
    for metric, what in (
        (REQUESTED, _("Permintaan pendampingan")),
        (MET, _("Pendampingan terpenuhi")),
        (UNMET, _("Pendampingan tidak dapat dipenuhi")),
    )
    for kind, label in AssistanceKind.choices
)

source = AssistanceFacts(
    name="assistance",
    label=_("Pendampingan"),
    order=25,
    metrics=(
        Metric(REQUESTED, _("Permintaan pendampingan")),
        Metric(MET, _("Pendampingan terpenuhi")),
        Metric(UNMET, _("Pendampingan tidak dapat dipenuhi")),
        *_KIND_METRICS,
    ),
)
