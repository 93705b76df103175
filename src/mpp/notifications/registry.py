"""Typed registries of notification kinds and SMS/WhatsApp gateways.

Other apps add to them in their ``AppConfig.ready()``. Code looks the registries up at call time
(``registry.kinds``, ``registry.gateways``), so a test can swap one for a copy with
``monkeypatch.setattr(registry, "gateways", registry.gateways.copy())``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar, overload

from django.utils.functional import Promise

from mpp.notifications.base import Channel, Gateway, NotificationKind

T = TypeVar("T")

KIND_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class DuplicateIdentifier(ValueError):
    pass


class UnknownIdentifier(LookupError):
    pass


class Registry(Generic[T]):
    """Items by unique identifier; registering an identifier twice is an error, never an override."""

    def __init__(self, name: str, items: dict[str, T] | None = None):
        self.name = name
        self._items: dict[str, T] = dict(items or {})

    @overload
    def register(self, identifier: str) -> Callable[[T], T]: ...

    @overload
    def register(self, identifier: str, item: T) -> T: ...

    def register(self, identifier: str, item: T | None = None) -> T | Callable[[T], T]:
        """``registry.register("id", item)``, or ``@registry.register("id")`` on a class."""

        def add(value: T) -> T:
            if identifier in self._items:
                raise DuplicateIdentifier(f"{self.name}: {identifier!r} is already registered")
            self._items[identifier] = value
            return value

        if item is None:
            return add
        return add(item)

    def get(self, identifier: str) -> T:
        try:
            return self._items[identifier]
        except KeyError:
            raise UnknownIdentifier(f"{self.name}: {identifier!r} is not registered") from None

    def copy(self) -> Registry[T]:
        return Registry(self.name, self._items)

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)


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
