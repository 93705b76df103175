"""The dashboards' daily facts of SKM (mpp.reporting.facts.surveys): counted with each response,
recomputed from the rows, the equal-weight IKM indicator."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mpp.devices.tests.factories import register_skm_kiosk
from mpp.reporting.facts import registry
from mpp.reporting.facts import surveys as survey_facts
from mpp.reporting.models import DailyFact
from mpp.surveys import services

from .factories import answers, interval_passed

pytestmark = pytest.mark.django_db


def _total(metric: str) -> int:
    return sum(DailyFact.objects.filter(metric=metric).values_list("value", flat=True))


@pytest.fixture
def kiosk(service):
    device, _raw = register_skm_kiosk(mpp=service.mpp, service=service, name="Tablet", actor=None)
    return device


def test_each_response_bumps_respondents_and_element_sums(service, kiosk):
    services.submit_at_kiosk(kiosk, services.Submission(answers(U1=4)))
    interval_passed(kiosk)
    services.submit_at_kiosk(kiosk, services.Submission(answers(U1=2, U9=4)))
    assert _total(survey_facts.RESPONDENTS) == 2
    assert _total(survey_facts.element_sum("U1")) == 6
    assert _total(survey_facts.element_count("U1")) == 2
    assert _total(survey_facts.ANSWER_SUM) == 3 * 18 + 1
    row = DailyFact.objects.get(metric=survey_facts.RESPONDENTS)
    assert (row.region, row.mpp, row.agency, row.service) == (
        service.mpp.region_id, service.mpp_id, service.agency_id, service.pk,
    )  # fmt: skip
    indicator = registry.indicator("surveys.ikm")
    totals = {m: _total(m) for m in indicator.metrics()}
    assert indicator.value(totals) == pytest.approx((3 * 18 + 1) / 18 * 25)


def test_recompute_facts_agrees_then_finds_drift(service, kiosk):
    services.submit_at_kiosk(kiosk, services.Submission(answers()))
    day = timezone.localdate().isoformat()
    out = StringIO()
    call_command("recompute_facts", "--start", day, "--end", day, stdout=out)
    assert "no differences" in out.getvalue()
    DailyFact.objects.filter(metric=survey_facts.element_sum("U5")).update(value=40)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("recompute_facts", "--start", day, "--end", day, stdout=out)
    assert "surveys.u5_sum" in out.getvalue() and "stored 40, recomputed 3" in out.getvalue()


def test_the_facts_listen_on_the_shared_hooks_registry_and_still_fire(service, kiosk):
    """The SKM's side effects are hooks of the one registry (issue 24), registered in ``ready()``:
    the daily facts' hooks are there, and a hook registered for the event fires with the response
    and its answers, in the response's transaction."""
    from mpp.workflows.hooks import hooks

    assert survey_facts.count_response in hooks.hooks_for(
        services.SKM_EVENTS, services.ANSWERED, services.ANSWERED
    )
    assert survey_facts.recount_after_void in hooks.hooks_for(
        services.SKM_EVENTS, services.VOIDED, services.VOIDED
    )
    heard = []

    def listener(response, answers):
        heard.append((response.pk, dict(answers)))

    hooks.register(services.SKM_EVENTS, listener, action=services.ANSWERED)
    try:
        response = services.submit_at_kiosk(kiosk, services.Submission(answers(U1=3)))
    finally:
        hooks.unregister(services.SKM_EVENTS, listener)
    assert heard == [(response.pk, answers(U1=3))]
    assert _total(survey_facts.RESPONDENTS) == 1
