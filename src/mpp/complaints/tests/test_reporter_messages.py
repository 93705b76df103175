"""What the reporter is told: the follow link when the complaint is received, and the desk's
request for more information, whether they filed as a guest (at the contact they confirmed)
or with an account."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from mpp.accounts.models import User
from mpp.complaints import services
from mpp.complaints.models import Complaint
from mpp.complaints.workflow import DESK
from mpp.notifications.models import InboxMessage, OutboxMessage

from .factories import desk, web_form

pytestmark = pytest.mark.django_db


def _file_as_guest(client, address: str, code_text, capture) -> Complaint:
    with capture(execute=True):
        client.post("/pengaduan/konfirmasi/", {"address": address})
    code = re.search(r"\d{6}", code_text())
    assert code is not None, "the confirmation message carries no code"
    client.post("/pengaduan/konfirmasi/", {"code": code.group()})
    with capture(execute=True):
        client.post("/pengaduan/baru/", web_form())
    return Complaint.objects.get(title="AC ruang tunggu mati")


def _postpone(complaint: Complaint, reason: str) -> None:
    services.take_action(complaint, "postpone", user=desk(), kinds={DESK}, note=reason)


def test_a_guest_with_an_email_address_gets_the_link_and_the_request_for_more(
    client, demo, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = _file_as_guest(
        client, "tamu@example.com", lambda: mailoutbox[-1].body, django_capture_on_commit_callbacks
    )
    link = f"/pengaduan/lacak/{complaint.follow_token}/"
    received = mailoutbox[-1]
    assert received.to == ["tamu@example.com"]
    assert complaint.tracking_number in received.subject
    assert link in received.body
    # a guest has no account: no link to preferences they cannot open, no empty greeting
    assert "/akun/" not in received.body and "Yth. ," not in received.body

    with django_capture_on_commit_callbacks(execute=True):
        _postpone(complaint, "Mohon sebutkan lantai dan ruang tunggu yang dimaksud.")
    postponed = mailoutbox[-1]
    assert postponed.to == ["tamu@example.com"]
    assert "Mohon sebutkan lantai dan ruang tunggu yang dimaksud." in postponed.body
    assert link in postponed.body


def test_a_guest_with_a_phone_number_gets_both_by_sms(
    client, demo, django_capture_on_commit_callbacks
):
    complaint = _file_as_guest(
        client,
        "+6281234567890",
        lambda: OutboxMessage.objects.latest("id").text,
        django_capture_on_commit_callbacks,
    )
    link = f"/pengaduan/lacak/{complaint.follow_token}/"
    with django_capture_on_commit_callbacks(execute=True):
        _postpone(complaint, "Mohon sebutkan lantainya.")
    texts = list(
        OutboxMessage.objects.filter(to__contains="81234567890")
        .order_by("id")
        .values_list("text", flat=True)
    )
    assert len(texts) == 3  # the code, the receipt, the request
    assert complaint.tracking_number in texts[1] and link in texts[1]
    assert "keterangan" in texts[2] and link in texts[2]


def test_a_guest_who_filed_in_english_is_written_to_in_english(
    client, demo, mailoutbox, django_capture_on_commit_callbacks
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _file_as_guest(
        client, "guest@example.com", lambda: mailoutbox[-1].body, django_capture_on_commit_callbacks
    )
    assert "received" in mailoutbox[-1].subject.lower()


def test_a_signed_in_reporter_gets_the_link_and_the_request_in_the_inbox(
    client, demo, django_capture_on_commit_callbacks
):
    citizen = User.objects.get(nik="2171011508900003")
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/pengaduan/baru/", web_form())
        complaint = Complaint.objects.get(title="AC ruang tunggu mati")
        _postpone(complaint, "Mohon sebutkan lantainya.")
    link = f"/pengaduan/lacak/{complaint.follow_token}/"
    inbox = InboxMessage.objects.filter(recipient=citizen).order_by("created_at", "id")
    assert [message.link for message in inbox] == [link, link]
    assert "Mohon sebutkan lantainya." in inbox.last().body


def test_an_unconfirmed_open311_contact_is_never_written_to(
    demo, mailoutbox, django_capture_on_commit_callbacks
):
    from .factories import submitted

    with django_capture_on_commit_callbacks(execute=True):
        complaint = submitted(reporter_email="siapa@example.com")
        _postpone(complaint, "Mohon sebutkan lantainya.")
    assert mailoutbox == []
