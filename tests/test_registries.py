"""The one registry base (issue 24): its duplicate rule, look-ups and listing, and a census of the
platform's registries, so a new hand-rolled one shows up here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import mpp
from mpp.registry import DuplicateEntry, Registry, UnknownEntry, all_registries, describe_all

# Every registry of the platform, by name; docs/architecture.md ("Registries") describes each.
PLATFORM_REGISTRIES = {
    "workflow hooks": "mpp.workflows.hooks",
    "deadline sweeps": "mpp.deadlines.registry",
    "notification kinds": "mpp.notifications.registry",
    "SMS/WhatsApp gateways": "mpp.notifications.registry",
    "daily fact sources": "mpp.reporting.facts",
    "service page sections": "mpp.catalog.extensions",
    "MPP page sections": "mpp.catalog.extensions",
    "MPP public events": "mpp.catalog.extensions",
    "download gates": "mpp.documents.gates",
    "sign-in reasons": "mpp.accounts.sign_in_reasons",
    "queue application lookup": "mpp.queueing.registry",
    "complaint application lookup": "mpp.complaints.registry",
    "integration connectors": "mpp.integrations.registry",
    "verification settled listeners": "mpp.integrations.services",
    "registration checks": "mpp.accounts.extensions",
    "profile sections": "mpp.accounts.extensions",
    "device kinds": "mpp.devices.kinds",
}


def greet(name: str) -> str:
    return f"Halo {name}"


def wave(name: str) -> str:
    return f"Dadah {name}"


def test_a_key_is_registered_once_even_with_the_same_entry():
    registry: Registry[str, object] = Registry("test greetings")
    registry.add("halo", greet)
    with pytest.raises(DuplicateEntry, match=r"test greetings: 'halo' is already registered"):
        registry.add("halo", greet)
    with pytest.raises(DuplicateEntry):
        registry.add("halo", wave)
    assert registry.get("halo") is greet


def test_replace_is_the_one_explicit_override():
    registry: Registry[str, object] = Registry("test greetings")
    registry.add("halo", greet)
    registry.add("halo", wave, replace=True)
    assert registry.get("halo") is wave
    assert len(registry) == 1


def test_look_ups_name_the_registry_and_the_missing_key():
    registry: Registry[str, object] = Registry("test greetings")
    with pytest.raises(UnknownEntry, match=r"test greetings: 'dadah' is not registered"):
        registry.get("dadah")
    assert registry.find("dadah") is None
    assert "dadah" not in registry


def test_listing_is_in_registration_order_and_removal_forgets_a_key():
    registry: Registry[str, object] = Registry("test greetings")
    registry.add("b", wave)
    registry.add("a", greet)
    assert registry.keys() == ["b", "a"]
    assert registry.entries() == [wave, greet]
    registry.remove("b")
    registry.remove("not-there")
    assert list(registry) == ["a"]


def test_describe_lists_each_key_with_what_its_entry_is():
    registry: Registry[str, object] = Registry("test greetings")
    registry.add("halo", greet)
    registry.add("angka", 3)
    assert registry.describe() == [
        ("halo", "tests.test_registries.greet"),
        ("angka", "builtins.int"),
    ]
    assert "test greetings (2)\n  halo: tests.test_registries.greet" in describe_all()


def _platform_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(mpp.__path__, prefix="mpp."):
        parts = info.name.split(".")
        if {"tests", "migrations"} & set(parts) or parts[1] in {"settings", "wsgi", "asgi"}:
            continue
        names.append(info.name)
    return names


def _hand_rolled(module: object) -> list[str]:
    """Module-level objects that look like a registry and are not one of the base."""
    found = []
    module_name = getattr(module, "__name__", "")
    members = dict(inspect.getmembers(module))
    # A module function ``register...`` that names a module-level container it fills.
    registers = {
        name: set(value.__code__.co_names)
        for name, value in members.items()
        if inspect.isfunction(value)
        and value.__module__ == module_name
        and name.startswith("register")
    }
    for name, value in members.items():
        if inspect.ismodule(value) or inspect.isclass(value) or inspect.isroutine(value):
            continue
        if isinstance(value, Registry) or isinstance(getattr(value, "registry", None), Registry):
            continue
        if type(value).__module__.startswith("mpp.") and (
            callable(getattr(value, "register", None)) or type(value).__name__.endswith("Registry")
        ):
            found.append(f"{module_name}.{name} ({type(value).__name__})")
        elif isinstance(value, dict | list | set) and not name.startswith("__"):
            fillers = sorted(f for f, names in registers.items() if name in names)
            if fillers:
                found.append(f"{module_name}.{name} (filled by {', '.join(fillers)})")
    return found


def test_every_registry_of_the_platform_is_one_of_the_base():
    hand_rolled = []
    for name in _platform_modules():
        hand_rolled += _hand_rolled(importlib.import_module(name))
    assert hand_rolled == []

    # Every registry alive once all modules are imported is in the census (and so in the docs);
    # this file's own start with "test".
    names = {r.name for r in all_registries() if not r.name.startswith("test ")}
    assert names == set(PLATFORM_REGISTRIES)


def test_the_filled_registries_hold_what_the_apps_register():
    live = {r.name: r for r in all_registries()}
    assert "cases:start" in live["sign-in reasons"]
    assert "surveys" in live["download gates"]
    assert set(live["service page sections"]) == {"complaints.faq", "queueing.book"}
    assert set(live["MPP page sections"]) == {"activities.programme"}
    assert set(live["MPP public events"]) == {"rooms.public_bookings"}
    assert len(live["complaint application lookup"]) == 1
    assert len(live["queue application lookup"]) == 1
    assert "dukcapil.nik" in live["integration connectors"]
    assert "integrations.dukcapil" in live["registration checks"]
    assert "integrations.identity" in live["profile sections"]


def test_the_architecture_page_describes_every_registry():
    text = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text()
    section = text.split("## Registries", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in PLATFORM_REGISTRIES if f"`{name}`" not in section]
    assert missing == []


def test_a_second_app_claiming_a_platform_key_is_refused_and_changes_nothing():
    from mpp.accounts import sign_in_reasons
    from mpp.catalog.extensions import service_page_sections
    from mpp.complaints import registry as complaint_registry
    from mpp.documents.gates import download_gates
    from mpp.queueing import registry as queue_registry
    from mpp.reporting import facts

    def nothing(*args, **kwargs):
        return None

    claims = [
        (sign_in_reasons.describers, lambda: sign_in_reasons.register("cases:start", nothing)),
        (download_gates.registry, lambda: download_gates.register("surveys", nothing)),
        (
            service_page_sections.registry,
            lambda: service_page_sections.register("complaints.faq", nothing),
        ),
        (
            complaint_registry.lookups,
            lambda: complaint_registry.register_application_lookup(nothing),
        ),
        (queue_registry.lookups, lambda: queue_registry.register_application_lookup(nothing)),
        (
            facts.registry.registry,
            lambda: facts.registry.register(facts.FactSource(name="applications", label="x")),
        ),
    ]
    for registry, claim in claims:
        before = registry.items()
        with pytest.raises(DuplicateEntry, match="already registered"):
            claim()
        assert registry.items() == before
