"""Assistance (pendampingan): asked with a booking, a walk-in number or a check-in; the ticket goes
to the priority lane; the serving officer or the MPP's hall staff mark it met or unmet."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff
from mpp.cases.tests.factories import StaffFactory
from mpp.catalog.tests.factories import PublishedServiceFactory
from mpp.queueing import services
from mpp.queueing.models import AssistanceRequest, Ticket
from mpp.queueing.services import QueueError
from mpp.queueing.tests.conftest import MONDAY, at, citizen_client, make_counter, make_queue
from mpp.workflows.models import TransitionRecord

pytestmark = pytest.mark.django_db


def _manager(mpp):
    user = StaffFactory()
    RoleGrant.objects.create(user=user, role=Role.MPP_MANAGER, mpp=mpp)
    return user


def test_a_booking_with_a_wheelchair_is_served_before_earlier_walk_ins(
    queue, citizen, counter, officer, kiosk
):
    booking = services.book(
        citizen,
        queue,
        MONDAY,
        datetime.time(9),
        assistance=["kursi_roda"],
        assistance_note="  Saya membawa kursi roda sendiri.\x00 ",
        now=at(7),
    )
    assert booking.priority is True
    assert booking.assistance_note == "Saya membawa kursi roda sendiri."
    request = AssistanceRequest.objects.get(ticket=booking)
    assert (request.kind, request.status, request.date) == ("kursi_roda", "open", MONDAY)

    earlier = services.issue_walk_in(kiosk, queue, now=at(8, 30))
    # Checking in without ticking anything keeps what the booking asked for, and its priority.
    services.check_in(booking, user=officer, counter=counter, now=at(8, 50))
    booking.refresh_from_db()
    assert booking.priority is True
    assert services.call_next(counter, officer=officer, now=at(9)).pk == booking.pk
    assert not Ticket.objects.get(pk=earlier.pk).priority


def test_help_asked_at_the_kiosk_and_at_check_in_joins_the_priority_lane(
    queue, citizen, counter, officer, kiosk
):
    walk_in = services.issue_walk_in(
        kiosk, queue, assistance=["ruang_tenang", "juru_bahasa_isyarat"], now=at(9)
    )
    assert walk_in.priority is True
    assert sorted(walk_in.assistance.values_list("kind", flat=True)) == [
        "juru_bahasa_isyarat",
        "ruang_tenang",
    ]
    booking = services.book(citizen, queue, MONDAY, datetime.time(9), now=at(7))
    assert booking.priority is False
    services.check_in(
        booking, user=officer, counter=counter, assistance=["bantuan_formulir"], now=at(9, 5)
    )
    booking.refresh_from_db()
    assert booking.priority is True
    assert list(booking.assistance.values_list("kind", flat=True)) == ["bantuan_formulir"]


@pytest.mark.parametrize(
    ("kinds", "note", "field"),
    [
        (["helikopter"], "", "assistance"),
        (["kursi_roda"], "x" * 301, "assistance_note"),
        ([], "Tolong bantu saya", "assistance"),
    ],
)
def test_bad_assistance_is_refused_at_its_field_and_books_nothing(
    queue, citizen, kinds, note, field
):
    with pytest.raises(QueueError) as refusal:
        services.book(
            citizen,
            queue,
            MONDAY,
            datetime.time(9),
            assistance=kinds,
            assistance_note=note,
            now=at(7),
        )
    assert refusal.value.field == field
    assert not Ticket.objects.exists()
    assert not AssistanceRequest.objects.exists()


def test_the_serving_officer_marks_met_and_the_hall_staff_decline_with_a_reason(
    queue, officer, kiosk
):
    ticket = services.issue_walk_in(
        kiosk, queue, assistance=["kursi_roda", "ruang_tenang"], now=at(9)
    )
    wheelchair, quiet = ticket.assistance.order_by("id")
    services.resolve_assistance(wheelchair, True, user=officer, now=at(9, 5))
    wheelchair.refresh_from_db()
    assert (wheelchair.status, wheelchair.resolved_by) == ("met", officer)

    manager = _manager(queue.mpp)
    with pytest.raises(QueueError) as refusal:
        services.resolve_assistance(quiet, False, user=manager, reason="   ")
    assert (refusal.value.field, refusal.value.status) == ("reason", 400)
    services.resolve_assistance(quiet, False, user=manager, reason="Ruang laktasi sedang dipakai")
    quiet.refresh_from_db()
    assert (quiet.status, quiet.reason) == ("unmet", "Ruang laktasi sedang dipakai")
    record = TransitionRecord.objects.get(workflow="queue_assistance", action="decline")
    assert (record.note, record.mpp_id) == ("Ruang laktasi sedang dipakai", queue.mpp_id)

    # Marked once: a second answer (another tab) changes nothing.
    with pytest.raises(QueueError) as again:
        services.resolve_assistance(quiet, True, user=manager)
    assert again.value.status == 409


def test_staff_of_another_agency_or_mpp_may_not_mark_a_request(queue, kiosk):
    ticket = services.issue_walk_in(kiosk, queue, assistance=["kursi_roda"], now=at(9))
    request = ticket.assistance.get()
    other_agency = make_queue(PublishedServiceFactory(mpp=queue.mpp), prefix="B")
    stranger = StaffFactory()
    RoleGrant.objects.create(
        user=stranger, role=Role.OFFICER, agency=other_agency.agency, mpp=queue.mpp
    )
    elsewhere = _manager(make_queue(prefix="C").mpp)
    for user in (stranger, elsewhere):
        with pytest.raises(QueueError) as refusal:
            services.resolve_assistance(request, True, user=user)
        assert refusal.value.status == 403
    request.refresh_from_db()
    assert request.status == "open"


def test_a_transferred_ticket_is_assisted_by_the_agency_serving_it_now(queue, officer, kiosk):
    counter = make_counter(queue, 1)
    ticket = services.issue_walk_in(kiosk, queue, assistance=["kursi_roda"], now=at(9))
    other_queue = make_queue(PublishedServiceFactory(mpp=queue.mpp), prefix="B")
    called = services.call_next(counter, officer=officer, now=at(9, 1))
    services.transfer(called, counter, officer=officer, to_queue=other_queue)
    other_officer = StaffFactory()
    RoleGrant.objects.create(
        user=other_officer, role=Role.OFFICER, agency=other_queue.agency, mpp=queue.mpp
    )
    request = ticket.assistance.get()
    request.ticket.refresh_from_db()
    services.resolve_assistance(request, True, user=other_officer)
    assert AssistanceRequest.objects.get(pk=request.pk).status == "met"


# --- The pages ------------------------------------------------------------------------------------


def test_the_booking_form_asks_for_help_and_the_booking_page_repeats_it(queue, citizen, clock):
    client = citizen_client(citizen)
    page = client.get(f"/antrean/pesan/{queue.pk}/?tanggal={MONDAY:%Y-%m-%d}")
    assert "Juru bahasa isyarat" in page.content.decode()
    refused = client.post(
        f"/antrean/pesan/{queue.pk}/",
        {"date": f"{MONDAY:%Y-%m-%d}", "slot": "09:00", "assistance": ["terbang"]},
    )
    assert refused.status_code == 400
    assert "Pilihan pendampingan tidak dikenal." in refused.content.decode()
    assert not Ticket.objects.exists()
    answer = client.post(
        f"/antrean/pesan/{queue.pk}/",
        {
            "date": f"{MONDAY:%Y-%m-%d}",
            "slot": "09:00",
            "assistance": ["kursi_roda"],
            "assistance_note": "Lift rusak?",
        },
    )
    detail = client.get(answer["Location"]).content.decode()
    assert "Kursi roda" in detail and "Lift rusak?" in detail
    ticket = Ticket.objects.get()
    # The public status page names what was asked, never the note.
    public = Client().get(f"/antrean/tiket/{ticket.token}/").content.decode()
    assert "Kursi roda" in public and "Lift rusak?" not in public


def test_the_hall_list_shows_todays_requests_to_the_mpps_manager_only(queue, kiosk, clock):
    clock["now"] = at(9)
    ticket = services.issue_walk_in(kiosk, queue, assistance=["pendamping_lansia"])
    manager = _manager(queue.mpp)
    client = Client()
    login_staff(client, manager)
    assert (
        client.get("/kelola/pendampingan/")["Location"] == f"/kelola/pendampingan/{queue.mpp_id}/"
    )
    page = client.get(f"/kelola/pendampingan/{queue.mpp_id}/").content.decode()
    assert ticket.code in page and "Pendamping untuk lanjut usia" in page
    english = client.get(f"/kelola/pendampingan/{queue.mpp_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Companion for an elderly person" in english.content.decode()

    request = ticket.assistance.get()
    answer = client.post(
        f"/kelola/pendampingan/permintaan/{request.pk}/",
        {"outcome": "unmet", "reason": ""},
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.status == "open"  # no reason: nothing changed

    stranger = Client()
    login_staff(stranger, _manager(make_queue(prefix="C").mpp))
    assert stranger.get(f"/kelola/pendampingan/{queue.mpp_id}/").status_code == 404
    refused = stranger.post(f"/kelola/pendampingan/permintaan/{request.pk}/", {"outcome": "met"})
    assert refused.status_code == 403
    request.refresh_from_db()
    assert request.status == "open"
