"""Tracking numbers stay unique when many citizens start applications at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import CitizenFactory, service_with
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_concurrent_starts_get_distinct_consecutive_numbers():
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)
    service = service_with()
    citizens = [CitizenFactory() for _ in range(8)]
    barrier = threading.Barrier(len(citizens))
    errors: list[BaseException] = []

    def start(citizen) -> None:
        try:
            barrier.wait()
            services.start_application(applicant=citizen, service=service)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(citizen,)) for citizen in citizens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Application.objects.values_list("tracking_number", flat=True))
    assert [number[-4:] for number in numbers] == [f"{n:04d}" for n in range(1, 9)]
