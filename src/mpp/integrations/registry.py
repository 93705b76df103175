"""The one registry of connectors to outside systems.

A connector says what it is (kind, name, version), which settings a region fills in (secret ones
are stored sealed and never shown back), and how to build its client from a configuration. It is
registered in :class:`~mpp.integrations.apps.IntegrationsConfig.ready` (or the ``ready()`` of the
app that brings it) under a dotted key of its own, e.g. ``dukcapil.nik``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django_stubs_ext import StrOrPromise

from mpp.registry import Registry

if TYPE_CHECKING:
    from mpp.integrations.client import Connection


@dataclass(frozen=True)
class Setting:
    name: str
    label: StrOrPromise
    secret: bool = False
    required: bool = True
    help_text: StrOrPromise = ""
    default: str = ""


@dataclass(frozen=True)
class Connector:
    key: str
    kind: str  # what it is for: "identity", "health workforce", …
    name: StrOrPromise
    version: str
    per_region: bool
    settings: tuple[Setting, ...]
    # Builds the connector's client (its own interface) over one configured connection.
    build: Callable[[Connection], Any] = field(compare=False)
    # A default endpoint (the demo simulator, say), used when the configuration has none.
    default_endpoint: Callable[[], str] | None = field(default=None, compare=False)

    @property
    def secret_names(self) -> list[str]:
        return [s.name for s in self.settings if s.secret]


connectors: Registry[str, Connector] = Registry(
    "integration connectors", describe_entry=lambda c: f"{c.kind}: {c.name} v{c.version}"
)
