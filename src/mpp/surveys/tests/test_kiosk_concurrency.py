"""The per-device rate and the void under real concurrency: threads with their own PostgreSQL
connections."""

from __future__ import annotations

import datetime

from django.utils import timezone
from tests.concurrency import RACE, at_once

from mpp.cases.tests.factories import service_with
from mpp.devices.tests.factories import register_skm_kiosk
from mpp.surveys import recompute, services
from mpp.surveys.models import KioskDevice, Response
from mpp.surveys.services import KioskRefused

from .factories import answers
from .test_api import manager_of

pytestmark = RACE
WORKERS = 20


def test_answers_racing_for_one_slot_record_exactly_one():
    service = service_with()
    device, _raw = register_skm_kiosk(mpp=service.mpp, service=service, name="Tablet", actor=None)

    def attempt(_number):
        kiosk = KioskDevice.objects.select_related("device__mpp__region", "service").get(
            pk=device.pk
        )
        try:
            services.submit_at_kiosk(kiosk, services.Submission(answers()))
        except KioskRefused as error:
            assert error.code == "too_soon"
            return False
        return True

    results, errors = at_once(attempt, list(range(WORKERS)))
    assert errors == []
    assert results.count(True) == 1 and results.count(False) == WORKERS - 1
    assert Response.objects.count() == 1
    assert KioskDevice.objects.get(pk=device.pk).refused_too_soon == WORKERS - 1


def test_answers_of_other_kiosks_during_a_void_are_neither_lost_nor_voided():
    service = service_with()
    stuffed, _raw = register_skm_kiosk(
        mpp=service.mpp, service=service, name="Tablet A", actor=None
    )
    now = timezone.now()
    for number in range(20):
        services.submit_at_kiosk(
            stuffed,
            services.Submission(answers()),
            at=now - datetime.timedelta(minutes=20, seconds=-21 * number),
        )
    others = [
        register_skm_kiosk(mpp=service.mpp, service=service, name=f"T{n}", actor=None)[0]
        for n in range(WORKERS - 1)
    ]
    manager = manager_of(service.mpp)

    def act(job):
        if job is None:
            return services.void_kiosk_answers(
                stuffed,
                start=now - datetime.timedelta(hours=1),
                end=now,
                reason="Lonjakan.",
                actor=manager,
            ).responses
        kiosk = KioskDevice.objects.select_related("device__mpp__region", "service").get(pk=job.pk)
        return services.submit_at_kiosk(kiosk, services.Submission(answers(U1=4))).pk

    results, errors = at_once(act, [None, *others])
    assert errors == []
    assert 20 in results
    assert Response.objects.filter(void__isnull=True).count() == WORKERS - 1
    today = timezone.localdate()
    assert recompute.compare(today - datetime.timedelta(days=1), today) == []
