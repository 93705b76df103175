"""Assistance facts: the hooks (asked, met, unmet) and the recompute from the requests agree, and
the MPP dashboard shows the requests per kind."""

from __future__ import annotations

import datetime

import pytest

from mpp.accounts.models import Role, RoleGrant
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.devices.tests.factories import register_queue_kiosk
from mpp.queueing import services
from mpp.queueing.tests.conftest import MONDAY, at, make_queue
from mpp.reporting.facts import assistance as assistance_facts
from mpp.reporting.models import DailyFact

pytestmark = pytest.mark.django_db


def _stored() -> dict:
    return {
        (row.day, row.region, row.mpp, row.agency, row.service, row.metric): row.value
        for row in DailyFact.objects.filter(metric__startswith="assistance.")
    }


def test_hooks_count_requests_by_kind_and_outcome_like_the_recompute(
    django_capture_on_commit_callbacks,
):
    queue = make_queue()
    manager = StaffFactory()
    RoleGrant.objects.create(user=manager, role=Role.MPP_MANAGER, mpp=queue.mpp)
    kiosk, _raw = register_queue_kiosk(queue.mpp, "Anjungan")
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(
            CitizenFactory(), queue, MONDAY, datetime.time(9), assistance=["kursi_roda"], now=at(7)
        )
        walk_in = services.issue_walk_in(
            kiosk, queue, assistance=["kursi_roda", "ruang_tenang"], now=at(9)
        )
        services.resolve_assistance(booking.assistance.get(), True, user=manager)
        quiet = walk_in.assistance.get(kind="ruang_tenang")
        services.resolve_assistance(quiet, False, user=manager, reason="Ruang dipakai rapat")
    stored = _stored()
    unit = (MONDAY, queue.mpp.region_id, queue.mpp_id, queue.agency_id, queue.service_id)
    assert stored[(*unit, "assistance.requested")] == 3
    assert stored[(*unit, "assistance.requested.kursi_roda")] == 2
    assert stored[(*unit, "assistance.met.kursi_roda")] == 1
    assert stored[(*unit, "assistance.unmet.ruang_tenang")] == 1
    assert stored[(*unit, "assistance.unmet")] == 1
    recomputed = {
        (key.day, *key.unit, key.metric): value
        for key, value in assistance_facts.source.recompute(MONDAY, MONDAY).items()
    }
    assert recomputed == stored


def test_by_kind_lists_the_kinds_asked_with_their_outcomes():
    rows = assistance_facts.by_kind(
        {
            "assistance.requested.kursi_roda": 2,
            "assistance.met.kursi_roda": 1,
            "assistance.unmet.kursi_roda": 1,
            "assistance.requested": 2,
        }
    )
    assert rows == [assistance_facts.KindRow("Kursi roda", 2, 1, 1)]
