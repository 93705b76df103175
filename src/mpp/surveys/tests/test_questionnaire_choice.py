"""Which questionnaire a unit's IKM is computed with, and which quarter the public pages show."""

from __future__ import annotations

import datetime

import pytest

from mpp.surveys import services
from mpp.surveys.models import DaySum

pytestmark = pytest.mark.django_db


def test_the_most_specific_questionnaire_applies(service):
    place = {"mpp_id": service.mpp_id, "agency_id": service.agency_id}
    national = services.ensure_national_default()
    assert services.questionnaire_for(service_id=service.pk, **place) == national

    mpp_own = services.adopt_national(mpp=service.mpp)
    assert services.questionnaire_for(service_id=service.pk, **place) == mpp_own
    agency_own = services.adopt_national(mpp=service.mpp, agency=service.agency)
    assert services.questionnaire_for(service_id=service.pk, **place) == agency_own
    service_own = services.adopt_national(service=service)
    assert services.questionnaire_for(service_id=service.pk, **place) == service_own
    # The MPP's own still applies to the MPP as a whole.
    assert services.questionnaire_for(mpp_id=service.mpp_id) == mpp_own


def _answered(service, day: datetime.date, score: int) -> None:
    rows = [("_respondents", 10)] + [(f"U{n}", score * 10) for n in range(1, 10)]
    for element, total in rows:
        DaySum.objects.create(
            day=day, unit=f"service:{service.pk}", element=element, total=total, count=10
        )


def test_the_service_page_shows_the_newest_ended_quarter_with_answers(client, service):
    last_year = datetime.date.today().year - 1
    _answered(service, datetime.date(last_year, 5, 2), 2)  # Triwulan 2: 50,00
    _answered(service, datetime.date(last_year, 11, 5), 4)  # Triwulan 4: 100,00
    page = client.get(f"/layanan/{service.pk}/")
    assert f"Triwulan 4 {last_year}" in page.text and "100,00" in page.text
    assert f"Triwulan 2 {last_year}" not in page.text
