from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from mpp.accounts.models import Role, RoleGrant
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.catalog.tests.factories import PublishedServiceFactory
from mpp.devices.tests.factories import register_queue_kiosk
from mpp.queueing import services
from mpp.queueing.models import Counter, ServiceQueue

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = datetime.date(2026, 12, 7)


def at(hour: int, minute: int = 0, day: datetime.date = MONDAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=WIB)


def sweep(now: datetime.datetime) -> dict[str, int]:
    """The queue sweep with the hooks of its commits run, as in production (a reminder is sent by
    a hook after its ``remind`` transition commits)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.sweep(now=now)


def make_queue(service=None, *, beside=None, **values) -> ServiceQueue:
    """A queue for ``service`` (or a new one; at the MPP and agency of queue ``beside``)."""
    if service is None:
        place = {"mpp": beside.mpp, "agency": beside.agency} if beside is not None else {}
        service = PublishedServiceFactory(**place)
    defaults = {
        "prefix": "A",
        "slot_minutes": 30,
        "online_per_slot": 2,
        "walk_in_per_slot": 2,
        "online_per_day": 20,
        "walk_in_per_day": 20,
    }
    defaults.update(values)
    return ServiceQueue.objects.create(
        service=service, mpp=service.mpp, agency=service.agency, **defaults
    )


def make_counter(queue, number=1, *queues) -> Counter:
    counter = Counter.objects.create(mpp=queue.mpp, agency=queue.agency, number=number)
    counter.queues.add(queue, *queues)
    return counter


def filed_application(queue, tracking_number: str):
    """A submitted application to ``queue``'s service (its agency at its MPP), as filed at a
    counter."""
    from django.utils import timezone

    from mpp.cases.models import Application

    now = timezone.now()
    return Application.objects.create(
        tracking_number=tracking_number,
        service=queue.service,
        service_version=queue.service.current_version,
        applicant=CitizenFactory.create(),
        mpp=queue.mpp,
        agency=queue.agency,
        status="submitted",
        submitted_at=now,
        due_at=now,
        data={},
    )


@pytest.fixture
def clock(monkeypatch):
    """``timezone.now`` held at Monday 07.00 WIB; a test moves it with ``clock["now"] = at(...)``."""
    moment = {"now": at(7)}
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment["now"])
    return moment


def citizen_client(citizen) -> Client:
    """A test client signed in as ``citizen``."""
    client = Client()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    return client


@pytest.fixture
def queue(db):
    return make_queue()


@pytest.fixture
def citizen(db):
    return CitizenFactory()


@pytest.fixture
def counter(queue):
    return make_counter(queue)


@pytest.fixture
def officer(queue):
    user = StaffFactory()
    RoleGrant.objects.create(user=user, role=Role.OFFICER, agency=queue.agency, mpp=queue.mpp)
    return user


@pytest.fixture
def kiosk(queue):
    return register_queue_kiosk(queue.mpp, "Anjungan pintu utama", "token-uji-anjungan")[0]
