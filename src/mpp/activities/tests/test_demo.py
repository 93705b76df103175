from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mpp.accounts.tests.factories import load_demo
from mpp.activities import demo, services
from mpp.activities.models import Activity, Registration
from mpp.activities.selectors import public_programme
from mpp.devices.models import Device, DeviceKind

pytestmark = pytest.mark.django_db


def test_batam_has_a_month_of_activities_and_a_door_scanner():
    load_demo()
    loaded = demo.load()
    demo.load()  # idempotent
    rows = list(public_programme(region="2171"))
    assert len(rows) == len(demo.PROGRAMME) == Activity.objects.count()
    assert rows[-1].starts_at - timezone.now() > datetime.timedelta(days=25)
    assert Device.objects.filter(kind=DeviceKind.DOOR_SCANNER, mpp__slug="mpp-kota-batam").exists()
    full = loaded["activities"][1]
    seat = Registration.objects.get(activity=full, number="KDEMO001")
    services.cancel_registration(seat, user=None, holder=True)
    assert Registration.objects.get(number="KDEMO003").status == "registered"
