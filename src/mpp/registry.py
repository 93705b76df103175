"""The one registry base: typed entries under unique keys, filled by the apps at start-up.

Lower layers offer plug points that upper layers fill in their ``AppConfig.ready()`` (workflow
hooks, deadline sweeps, notification kinds, daily fact sources, service-page sections, download
gates, sign-in reasons, application look-ups). Every such plug point is a :class:`Registry`, so
they share one set of rules:

- an entry is typed (``Registry[Key, Entry]``) and is found by its key;
- **a key is registered once**: registering a key that is already there raises
  :class:`DuplicateEntry` naming the registry and the key, even when the entry is the same object —
  ``ready()`` runs once, so a second registration is always a mistake (two apps claiming one name,
  or a module imported under two names). A test that means to override passes ``replace=True``;
- listing is in registration order (the order the apps are installed), which is the order a
  registry that runs its entries uses;
- :meth:`Registry.describe` lists the keys and what each entry is, for the docs and for the
  platform-wide listing (:func:`describe_all`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
E = TypeVar("E")
T = TypeVar("T")

_all: weakref.WeakSet[Registry[Any, Any]] = weakref.WeakSet()


class DuplicateEntry(ValueError):
    """A key registered twice (at start-up: two apps claiming one name)."""


class UnknownEntry(LookupError):
    """A look-up of a key nobody registered."""


def describe_object(entry: object) -> str:
    """``module.qualified_name`` of a function or class, else of the entry's class."""
    target = entry if callable(entry) and hasattr(entry, "__qualname__") else type(entry)
    module = getattr(target, "__module__", "")
    name = getattr(target, "__qualname__", repr(target))
    return f"{module}.{name}" if module else name


class Registry(Generic[K, E]):
    """Entries of type ``E`` under unique keys of type ``K``, in registration order."""

    def __init__(
        self,
        name: str,
        *,
        describe_entry: Callable[[E], str] = describe_object,
    ) -> None:
        self.name = name
        self._describe_entry = describe_entry
        self._entries: dict[K, E] = {}
        _all.add(self)

    def add(self, key: K, entry: E, *, replace: bool = False) -> E:
        """Register ``entry`` under ``key``; a key already there is refused unless ``replace``."""
        if key in self._entries and not replace:
            raise DuplicateEntry(f"{self.name}: {key!r} is already registered")
        self._entries[key] = entry
        return entry

    def remove(self, key: K) -> None:
        """Forget ``key`` (nothing happens when it is not there)."""
        self._entries.pop(key, None)

    def get(self, key: K) -> E:
        try:
            return self._entries[key]
        except KeyError:
            raise UnknownEntry(f"{self.name}: {key!r} is not registered") from None

    def find(self, key: K) -> E | None:
        """The entry of ``key``, or None."""
        return self._entries.get(key)

    def keys(self) -> list[K]:
        return list(self._entries)

    def entries(self) -> list[E]:
        return list(self._entries.values())

    def items(self) -> list[tuple[K, E]]:
        return list(self._entries.items())

    def describe(self) -> list[tuple[str, str]]:
        """``(key, what the entry is)`` in registration order, for the docs."""
        return [(str(key), self._describe_entry(entry)) for key, entry in self._entries.items()]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[K]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}: {len(self)} entries>"


class PlugPoint(Generic[E]):
    """A plug point whose entries apps register by name (their own dotted name, say)."""

    def __init__(self, name: str) -> None:
        self.registry: Registry[str, E] = Registry(name)

    def register(self, name: str, entry: E, *, replace: bool = False) -> None:
        self.registry.add(name, entry, replace=replace)

    def unregister(self, name: str) -> None:
        self.registry.remove(name)


class Sections(PlugPoint[Callable[[T], str]]):
    """Parts of a page that apps above the page's own app add: ``(subject) -> HTML`` (already
    escaped, empty for nothing to show), rendered in registration order."""

    def render(self, subject: T) -> list[str]:
        return [html for html in (section(subject) for section in self.registry.entries()) if html]


def all_registries() -> list[Registry[Any, Any]]:
    """Every registry alive now (the platform's own ones and any copy a test holds), by name."""
    return sorted(_all, key=lambda r: r.name)


def describe_all() -> str:
    """A plain-text listing of every registry and its entries (``manage.py describe_registries``)."""
    lines: list[str] = []
    for registry in all_registries():
        lines.append(f"{registry.name} ({len(registry)})")
        lines.extend(f"  {key}: {what}" for key, what in registry.describe())
    return "\n".join(lines)
