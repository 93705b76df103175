"""Daily facts of complaints (pengaduan): received, answered (on time or late) and escalated.

Counted by hooks on the ``complaint`` workflow and recomputed from the same transitions in the
workflow history (``TransitionRecord``: the ``submit``, ``respond`` and ``escalate`` actions), so
``recompute_facts`` finds no difference when every hook ran. A unit is the complaint's kab/kota,
MPP and agency (no service: complaints about an MPP have none). "Local day" is the day in the
kab/kota's time zone.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from mpp.regions.models import Region
from mpp.reporting.facts import FactKey, FactSource, Indicator, Metric, Unit, bump_many
from mpp.workflows.models import TransitionRecord

WORKFLOW = "complaint"
RECEIVED = "complaints.received"
ANSWERED = "complaints.answered"
ON_TIME = "complaints.answered_on_time"
ESCALATED = "complaints.escalated"

METRICS = (
    Metric(RECEIVED, _("Pengaduan diterima")),
    Metric(ANSWERED, _("Pengaduan ditanggapi")),
    Metric(ON_TIME, _("Pengaduan ditanggapi tepat waktu")),
    Metric(ESCALATED, _("Pengaduan dieskalasi")),
)
INDICATORS = (
    Indicator("complaints.received", _("Pengaduan diterima"), RECEIVED, order=110),
    Indicator(
        "complaints.on_time_rate",
        _("Pengaduan ditanggapi tepat waktu"),
        ON_TIME,
        ANSWERED,
        kind="ratio",
        unit_label="%",
        order=120,
    ),
    Indicator(
        "complaints.escalated",
        _("Pengaduan dieskalasi"),
        ESCALATED,
        higher_is_better=False,
        order=130,
    ),
)

_zones: dict[str, str] = {}


def _zone(region: str) -> str:
    if region not in _zones:
        _zones[region] = Region.objects.values_list("timezone", flat=True).get(code=region)
    return _zones[region]


def record_facts(record: TransitionRecord) -> dict[FactKey, int]:
    """The facts one complaint transition contributes (none for other actions)."""
    if record.region_id is None:
        return {}
    day = record.at.astimezone(ZoneInfo(_zone(record.region_id))).date()
    unit = Unit(record.region_id, record.mpp_id, record.agency_id, None)
    if record.action == "submit":
        return {FactKey(day, unit, RECEIVED): 1}
    if record.action == "respond":
        facts = {FactKey(day, unit, ANSWERED): 1}
        if record.data.get("on_time"):
            facts[FactKey(day, unit, ON_TIME)] = 1
        return facts
    if record.action == "escalate":
        return {FactKey(day, unit, ESCALATED): 1}
    return {}


def count(complaint, record: TransitionRecord) -> None:
    bump_many(record_facts(record))


class ComplaintFacts(FactSource):
    def register_hooks(self, registry) -> None:
        for action in ("submit", "respond", "escalate"):
            registry.register(WORKFLOW, count, action=action)

    def recompute(self, start: datetime.date, end: datetime.date) -> dict[FactKey, int]:
        # A day later each side covers every zone's local days (WIB..WIT is at most 2 hours).
        low = datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)
        high = datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC)
        rows = TransitionRecord.objects.filter(
            workflow=WORKFLOW,
            action__in=("submit", "respond", "escalate"),
            at__gte=low - datetime.timedelta(days=1),
            at__lte=high + datetime.timedelta(days=1),
        ).only("action", "at", "region_id", "mpp_id", "agency_id", "data")
        totals: dict[FactKey, int] = defaultdict(int)
        for record in rows.iterator(chunk_size=2000):
            for key, value in record_facts(record).items():
                if start <= key.day <= end:
                    totals[key] += value
        return dict(totals)


source = ComplaintFacts(
    name="complaints",
    label=_("Pengaduan"),
    metrics=METRICS,
    indicators=INDICATORS,
    order=20,
)
