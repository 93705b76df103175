"""Tracking numbers stay unique when many citizens start applications at the same moment."""

from __future__ import annotations

from tests.concurrency import RACE, at_once

from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import CitizenFactory, service_with
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region

pytestmark = RACE


def test_concurrent_starts_get_distinct_consecutive_numbers():
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)
    service = service_with()
    citizens = [CitizenFactory() for _ in range(8)]
    _results, errors = at_once(
        lambda citizen: services.start_application(applicant=citizen, service=service), citizens
    )
    assert errors == []
    numbers = sorted(Application.objects.values_list("tracking_number", flat=True))
    assert [number[-4:] for number in numbers] == [f"{n:04d}" for n in range(1, 9)]
