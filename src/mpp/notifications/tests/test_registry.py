"""The plugin registries: unique identifiers, lookups, swapping in tests, the settings check."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from mpp.notifications import registry
from mpp.notifications.base import Channel, Gateway
from mpp.notifications.contrib.outbox.gateway import OutboxGateway


class NullGateway(Gateway):
    def send(self, to: str, text: str, *, key: str) -> str:
        return "null-1"


def test_a_kind_identifier_can_be_registered_only_once():
    kinds = registry.kinds.copy()
    kinds.register("demo.event", registry.kinds.get("test.ping"))
    with pytest.raises(registry.DuplicateIdentifier, match=r"demo\.event"):
        kinds.register("demo.event", registry.kinds.get("test.ping"))


def test_registering_a_builtin_kind_again_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "kinds", registry.kinds.copy())
    with pytest.raises(registry.DuplicateIdentifier):
        registry.register_kind("application.submitted", label="Lagi")


def test_a_gateway_identifier_can_be_registered_only_once():
    gateways = registry.gateways.copy()
    with pytest.raises(registry.DuplicateIdentifier, match="outbox"):
        gateways.register("outbox")(NullGateway)
    assert gateways.get("outbox") is OutboxGateway


def test_a_copy_can_be_extended_without_touching_the_real_registry():
    gateways = registry.gateways.copy()
    gateways.register("null")(NullGateway)
    assert "null" in gateways
    assert "null" not in registry.gateways


def test_unknown_identifiers_are_named_in_the_error():
    with pytest.raises(registry.UnknownIdentifier, match=r"no\.such"):
        registry.kinds.get("no.such")


@pytest.mark.parametrize("identifier", ["ping", "Test.Ping", "test.", "test ping", "1x.y"])
def test_kind_identifiers_are_dotted_lower_case(monkeypatch, identifier):
    monkeypatch.setattr(registry, "kinds", registry.kinds.copy())
    with pytest.raises(ValueError, match="dotted lower case"):
        registry.register_kind(identifier, label="x")


def test_register_kind_is_one_call_with_sensible_defaults(monkeypatch):
    monkeypatch.setattr(registry, "kinds", registry.kinds.copy())
    kind = registry.register_kind(
        "example.answered", label="Contoh dijawab", channels=[Channel.INBOX, Channel.EMAIL]
    )
    assert registry.kinds.get("example.answered") is kind
    assert kind.channels == {Channel.INBOX, Channel.EMAIL}
    assert kind.body_templates(Channel.SMS) == [
        "notifications/kinds/example.answered/sms.txt",
        "notifications/kinds/example.answered/text.txt",
    ]


def test_the_notifications_app_registers_its_test_message():
    assert registry.kinds.get("test.ping").label == "Pesan uji"


def test_an_unknown_gateway_in_the_settings_stops_the_system_check(settings):
    settings.MPP_WHATSAPP_GATEWAY = "tidak-ada"
    with pytest.raises(SystemCheckError, match="MPP_WHATSAPP_GATEWAY='tidak-ada'"):
        call_command("check")
