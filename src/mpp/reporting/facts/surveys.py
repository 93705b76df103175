"""Daily facts of the satisfaction survey (SKM): respondents and the answer sums per element.

Counted by a hook of the SKM's ``answered`` event, which ``mpp.surveys`` runs in each response's
transaction (a response is not a workflow transition, but its hooks live in the same registry),
and recomputed from ``surveys.Response``/``Answer`` rows with the same rules (voided kiosk answers
left out: a hook of the ``voided`` event recomputes the voided days). The day is the response's local day
(its ``day`` column, in the time zone of the kab/kota). The dashboard indicator is the converted
IKM with equal weights (Σ answers / Σ answered elements × 25): the IKM with each unit's own
weights is the survey report's (``mpp.surveys``), which reads its own day sums.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from mpp.reporting.facts import FactKey, FactSource, Indicator, Metric, Unit, bump_many
from mpp.surveys import services as survey_services
from mpp.surveys.models import Answer, Response

RESPONDENTS = "surveys.respondents"
ANSWER_SUM = "surveys.answer_sum"
ANSWER_COUNT = "surveys.answer_count"
ELEMENTS = tuple(f"U{n}" for n in range(1, 10))


def element_sum(code: str) -> str:
    return f"surveys.{code.lower()}_sum"


def element_count(code: str) -> str:
    return f"surveys.{code.lower()}_count"


METRICS = (
    Metric(RESPONDENTS, _("Responden SKM")),
    Metric(ANSWER_SUM, _("Jumlah nilai jawaban SKM"), kind="sum"),
    Metric(ANSWER_COUNT, _("Jumlah jawaban unsur SKM")),
    *(Metric(element_sum(code), _("Jumlah nilai unsur SKM"), kind="sum") for code in ELEMENTS),
    *(Metric(element_count(code), _("Jumlah jawaban unsur SKM")) for code in ELEMENTS),
)

INDICATORS = (
    Indicator("surveys.respondents", _("Responden SKM"), RESPONDENTS, order=90),
    Indicator(
        "surveys.ikm",
        _("Nilai IKM (bobot sama)"),
        ANSWER_SUM,
        ANSWER_COUNT,
        kind="mean",
        scale=25.0,
        order=95,
    ),
)


def _unit(response: Response) -> Unit:
    return Unit(response.region_id, response.mpp_id, response.agency_id, response.service_id)


def response_facts(day, unit: Unit, answers) -> dict[FactKey, int]:
    facts: dict[FactKey, int] = defaultdict(int)
    facts[FactKey(day, unit, RESPONDENTS)] += 1
    for code, value in answers:
        facts[FactKey(day, unit, ANSWER_SUM)] += value
        facts[FactKey(day, unit, ANSWER_COUNT)] += 1
        if code in ELEMENTS:
            facts[FactKey(day, unit, element_sum(code))] += value
            facts[FactKey(day, unit, element_count(code))] += 1
    return dict(facts)


def count_response(response: Response, answers) -> None:
    bump_many(response_facts(response.day, _unit(response), answers.items()))


def recount_after_void(void, days: tuple[datetime.date, datetime.date]) -> None:
    """Voided kiosk answers count nowhere: recompute the survey's facts of their days."""
    from mpp.reporting.services import recompute

    first, last = days
    recompute(first, last, fix=True, sources=[source.name])


class SurveyFacts(FactSource):
    def register_hooks(self, registry) -> None:
        registry.register(
            survey_services.SKM_EVENTS, count_response, action=survey_services.ANSWERED
        )
        registry.register(
            survey_services.SKM_EVENTS, recount_after_void, action=survey_services.VOIDED
        )

    def recompute(self, start: datetime.date, end: datetime.date) -> dict[FactKey, int]:
        totals: dict[FactKey, int] = defaultdict(int)
        fields = ("region_id", "mpp_id", "agency_id", "service_id")
        respondents = (
            Response.objects.filter(day__range=(start, end), void__isnull=True)
            .values("day", *fields)
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in respondents.iterator():
            unit = Unit(*(row[name] for name in fields))
            totals[FactKey(row["day"], unit, RESPONDENTS)] += row["n"]
        answers = (
            Answer.objects.filter(response__day__range=(start, end), response__void__isnull=True)
            .values("response__day", "element", *(f"response__{name}" for name in fields))
            .annotate(total=Sum("value"), n=Count("id"))
            .order_by()
        )
        for row in answers.iterator():
            unit = Unit(*(row[f"response__{name}"] for name in fields))
            day = row["response__day"]
            totals[FactKey(day, unit, ANSWER_SUM)] += row["total"]
            totals[FactKey(day, unit, ANSWER_COUNT)] += row["n"]
            if row["element"] in ELEMENTS:
                totals[FactKey(day, unit, element_sum(row["element"]))] += row["total"]
                totals[FactKey(day, unit, element_count(row["element"]))] += row["n"]
        return {key: value for key, value in totals.items() if value}


source = SurveyFacts(
    name="surveys",
    label=_("Survei kepuasan masyarakat"),
    metrics=METRICS,
    indicators=INDICATORS,
    order=90,
)
