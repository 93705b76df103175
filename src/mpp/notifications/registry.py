"""Typed registries of notification kinds and SMS/WhatsApp gateways.

Other apps add to them in their ``AppConfig.ready()``. Code looks the registries up at call time
(``registry.kinds``, ``registry.gateways``), so a test can swap one for a copy with
``monkeypatch.setattr(registry, "gateways", registry.gateways.copy())``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar, overload

from django.utils.functional import Promise

from mpp.notifications.base import Channel, Gateway, NotificationKind
from mpp.registry import DuplicateEntry, UnknownEntry
from mpp.registry import Registry as BaseRegistry

T = TypeVar("T")

KIND_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


# The base's errors under the names this app's callers know.
DuplicateIdentifier = DuplicateEntry
UnknownIdentifier = UnknownEntry


class Registry(BaseRegistry[str, T]):
    """Items by unique identifier (the one duplicate rule of :mod:`mpp.registry`); listed in
    identifier order."""

    def __init__(self, name: str, items: dict[str, T] | None = None):
        super().__init__(name)
        for identifier, item in (items or {}).items():
            self.add(identifier, item)

    @overload
    def register(self, identifier: str) -> Callable[[T], T]: ...

    @overload
    def register(self, identifier: str, item: T) -> T: ...

    def register(self, identifier: str, item: T | None = None) -> T | Callable[[T], T]:
        """``registry.register("id", item)``, or ``@registry.register("id")`` on a class."""

        def add(value: T) -> T:
            return self.add(identifier, value)

        if item is None:
            return add
        return add(item)

    def copy(self) -> Registry[T]:
        return Registry(self.name, dict(self.items()))

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.keys()))


kinds: Registry[NotificationKind] = Registry("notification kinds")
gateways: Registry[type[Gateway]] = Registry("SMS/WhatsApp gateways")


def register_kind(
    identifier: str,
    *,
    label: str | Promise,
    required_context: Iterable[str] = (),
    channels: Iterable[Channel] | None = None,
    template_dir: str = "",
) -> NotificationKind:
    """Declare a kind of message; call once from your app's ``ready()``.

    ``identifier`` is dotted lower case (``complaint.answered``); its templates live in
    ``notifications/kinds/<identifier>/`` unless ``template_dir`` says otherwise.
    """
    if not KIND_IDENTIFIER.match(identifier):
        raise ValueError(
            f"notification kind {identifier!r}: use dotted lower case, e.g. 'app.event'"
        )
    kind = NotificationKind(
        identifier=identifier,
        label=label,
        required_context=tuple(required_context),
        channels=frozenset(Channel(channel) for channel in channels)
        if channels is not None
        else frozenset(Channel),
        template_dir=template_dir,
    )
    return kinds.register(identifier, kind)
