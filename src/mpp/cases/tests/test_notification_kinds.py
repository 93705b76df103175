"""The applications app owns its status messages: registered at start-up, texts in its templates."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mpp.cases import notification_kinds
from mpp.notifications import registry
from mpp.notifications.base import Channel
from mpp.notifications.rendering import render_message

CONTEXT = {
    "tracking_number": "PMH-2026-000123",
    "service_name": "Akta Kelahiran",
    "due_at": timezone.make_aware(datetime.datetime(2026, 12, 3, 15, 0)),
    "reason": "Foto KTP tidak terbaca.",
    "document_number": "474.1/0001/2026",
}

APPLICATION_KINDS = [
    "application.submitted",
    "application.revision_requested",
    "application.approved",
    "application.rejected",
    "application.issued",
    "application.withdrawn",
]


@pytest.mark.parametrize("identifier", APPLICATION_KINDS)
@pytest.mark.parametrize("channel", list(Channel))
def test_every_application_message_renders_on_every_channel(identifier, channel):
    kind = registry.kinds.get(identifier)
    message = render_message(
        kind, channel, CONTEXT, link="/permohonan/1/", language="id", recipient_name="Siti"
    )
    assert "PMH-2026-000123" in message.body
    assert bool(message.subject) == (channel in (Channel.EMAIL, Channel.INBOX))


def test_the_rejection_names_the_reason_in_english_too():
    kind = registry.kinds.get("application.rejected")
    message = render_message(kind, Channel.EMAIL, CONTEXT, link="", language="en")
    assert "Foto KTP tidak terbaca." in message.body
    assert "Akta Kelahiran" in message.body


def test_registering_the_application_kinds_twice_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "kinds", registry.kinds.copy())
    with pytest.raises(registry.DuplicateIdentifier, match=r"application\.submitted"):
        notification_kinds.register_kinds()


def test_a_fresh_registry_gets_the_kinds_from_the_applications_app(monkeypatch):
    monkeypatch.setattr(registry, "kinds", registry.Registry("notification kinds"))
    notification_kinds.register_kinds()
    assert list(registry.kinds) == sorted(APPLICATION_KINDS)
    assert registry.kinds.get("application.issued").required_context == (
        "tracking_number",
        "service_name",
        "document_number",
    )
