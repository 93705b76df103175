"""Issue 22, finding 4: every counter console action asks the policy, in the service.

An officer of one agency (Dinkes) at their own counter could check in, move and link tickets of
another agency (Disdukcapil) at the same MPP, and link a visit to any made-up reference. Each
refusal is 403 and changes nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff
from mpp.cases.tests.factories import CitizenFactory, StaffFactory
from mpp.catalog.tests.factories import PublishedServiceFactory
from mpp.queueing import services
from mpp.queueing.models import Ticket
from mpp.queueing.services import QueueError
from mpp.queueing.tests.conftest import (
    MONDAY,
    at,
    filed_application,
    make_counter,
    make_queue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(queue, monkeypatch):
    """Disdukcapil (``queue``) and Dinkes at one MPP, each with a counter and an officer."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(9))
    other = make_queue(PublishedServiceFactory(mpp=queue.mpp), prefix="K")
    assert other.agency_id != queue.agency_id
    found = {"queue": queue, "other": other}
    for name, q, number in (("dukcapil", queue, 1), ("dinkes", other, 4)):
        officer = StaffFactory()
        RoleGrant.objects.create(user=officer, role=Role.OFFICER, agency=q.agency, mpp=q.mpp)
        found[name] = officer
        found[f"{name}_counter"] = make_counter(q, number)
    found["booking"] = services.book(CitizenFactory(), queue, MONDAY, datetime.time(10), now=at(7))
    return found


def _client(officer) -> Client:
    client = Client()
    login_staff(client, officer)
    return client


def _row(ticket) -> tuple:
    return Ticket.objects.filter(pk=ticket.pk).values_list(
        "status", "queue_id", "agency_id", "code", "application_ref", "checked_in_at"
    )[0]


def test_an_officer_of_another_agency_cannot_check_in_a_booking(hall):
    booking, before = hall["booking"], _row(hall["booking"])
    response = _client(hall["dinkes"]).post(
        f"/kelola/antrean/loket/{hall['dinkes_counter'].pk}/tindakan/",
        {"action": "check_in", "code": booking.booking_code},
    )
    assert response.status_code == 403
    assert _row(booking) == before
    with pytest.raises(QueueError) as refused:
        services.check_in(booking, user=hall["dinkes"], counter=hall["dinkes_counter"])
    assert refused.value.status == 403
    # The booking's own agency checks it in at its own counter.
    response = _client(hall["dukcapil"]).post(
        f"/kelola/antrean/loket/{hall['dukcapil_counter'].pk}/tindakan/",
        {"action": "check_in", "code": booking.booking_code},
    )
    assert response.status_code == 302 and _row(booking)[0] == "waiting"


def _move(hall, who: str, to_queue):
    return _client(hall[who]).post(
        f"/kelola/antrean/loket/{hall[f'{who}_counter'].pk}/pindah-layanan/",
        {"code": hall["booking"].booking_code, "to_queue": to_queue.pk},
    )


def test_an_officer_of_another_agency_cannot_move_a_booking(hall):
    booking, before = hall["booking"], _row(hall["booking"])
    assert _move(hall, "dinkes", hall["other"]).status_code == 403
    assert _row(booking) == before


def test_a_move_into_a_queue_the_officer_does_not_serve_is_refused(hall):
    booking, before = hall["booking"], _row(hall["booking"])
    assert _move(hall, "dukcapil", hall["other"]).status_code == 403
    assert _row(booking) == before
    # Into another queue of the officer's own agency the move goes through.
    own = make_queue(beside=hall["queue"], prefix="B")
    assert _move(hall, "dukcapil", own).status_code == 302
    assert _row(booking)[1] == own.pk


def test_an_officer_of_another_agency_cannot_link_an_application(hall):
    booking = hall["booking"]
    filed_application(hall["other"], "2171-2026-0101")
    before = _row(booking)
    response = _client(hall["dinkes"]).post(
        f"/kelola/antrean/loket/{hall['dinkes_counter'].pk}/tindakan/",
        {"action": "link", "ticket": booking.pk, "application_ref": "2171-2026-0101"},
    )
    assert response.status_code == 403
    assert _row(booking) == before


def test_a_forged_or_foreign_reference_is_refused_and_a_real_one_links(hall):
    booking = hall["booking"]
    filed_application(hall["other"], "2171-2026-0101")  # Dinkes' application
    filed_application(hall["queue"], "2171-2026-0102")  # Disdukcapil's own
    client = _client(hall["dukcapil"])
    url = f"/kelola/antrean/loket/{hall['dukcapil_counter'].pk}/tindakan/"
    for forged in ("2171-2026-9999", "2171-2026-0101"):
        response = client.post(
            url, {"action": "link", "ticket": booking.pk, "application_ref": forged}, follow=True
        )
        assert "tidak ditemukan pada instansi ini" in response.content.decode()
        assert _row(booking)[4] == ""
    client.post(url, {"action": "link", "ticket": booking.pk, "application_ref": "2171-2026-0102"})
    assert _row(booking)[4] == "2171-2026-0102"


def test_every_counter_action_refuses_an_officer_of_another_agency(hall, kiosk):
    """Call, recall, skip, requeue, no-show, start, finish, transfer: the Dukcapil ticket being
    served at counter 1 stays out of reach of the Dinkes officer (service and web)."""
    services.issue_walk_in(kiosk, hall["queue"], now=at(9))
    ticket = services.call_next(hall["dukcapil_counter"], officer=hall["dukcapil"], now=at(9, 1))
    dinkes, counter = hall["dinkes"], hall["dukcapil_counter"]
    calls = {
        "call_next": lambda: services.call_next(counter, officer=dinkes),
        "recall": lambda: services.recall(ticket, counter, officer=dinkes),
        "skip": lambda: services.skip(ticket, counter, officer=dinkes),
        "requeue": lambda: services.requeue(ticket, counter, officer=dinkes),
        "no_show": lambda: services.record_no_show(ticket, counter, officer=dinkes),
        "start": lambda: services.start(ticket, counter, officer=dinkes),
        "finish": lambda: services.finish(ticket, counter, officer=dinkes),
        "transfer": lambda: services.transfer(
            ticket, counter, officer=dinkes, to_queue=hall["other"]
        ),
    }
    before = _row(ticket)
    for name, call in calls.items():
        with pytest.raises(QueueError) as refused:
            call()
        assert refused.value.status == 403, name
    client = _client(dinkes)
    for action in ("recall", "skip", "start", "finish", "transfer", "no_show", "requeue"):
        response = client.post(
            f"/kelola/antrean/loket/{hall['dinkes_counter'].pk}/tindakan/",
            {"action": action, "ticket": ticket.pk, "to_queue": hall["other"].pk},
        )
        assert response.status_code == 403, action
    assert _row(ticket) == before


def test_a_booking_is_cancelled_at_its_own_agencys_counter_only(hall):
    """Issue 23: the workflow lets an officer cancel a booking, the console had no way to."""
    booking, before = hall["booking"], _row(hall["booking"])
    url = "/kelola/antrean/loket/{}/tindakan/"
    refused = _client(hall["dinkes"]).post(
        url.format(hall["dinkes_counter"].pk),
        {"action": "cancel", "code": booking.booking_code},
    )
    assert refused.status_code == 403 and _row(booking) == before
    client = _client(hall["dukcapil"])
    done = client.post(
        url.format(hall["dukcapil_counter"].pk),
        {"action": "cancel", "code": booking.booking_code},
        follow=True,
    )
    assert done.status_code == 200 and "dibatalkan" in done.text
    assert _row(booking)[0] == "cancelled"
    slot = {s.starts: s for s in services.availability(hall["queue"], MONDAY, now=at(9))}
    assert slot[datetime.time(10)].online_free == hall["queue"].online_per_slot
