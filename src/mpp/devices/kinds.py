"""What each kind of device adds, filled by the processes in their ``ready()``.

The devices mechanism knows the kinds by name (``DeviceKind``) but not the processes that use them
(they sit above it). Each process registers, for its kinds, where a paired device starts, which
of its own rows to load with the device (one query for both), and, when registering needs a
choice of its own (the SKM kiosk's service), the choices and how to keep the chosen one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django_stubs_ext import StrOrPromise

from mpp.registry import Registry

if TYPE_CHECKING:
    from mpp.devices.models import Device
    from mpp.tenancy.models import MPP


@dataclass(frozen=True)
class KindPlug:
    # The page a paired device opens (the kiosk, the display of its MPP).
    start_url: Callable[[Device], str]
    # Relations of the process's own row loaded with the device (``select_related`` paths).
    related: tuple[str, ...] = ()
    # A choice registering this kind needs (label, choices of an MPP), or None.
    choice_label: StrOrPromise = ""
    choices: Callable[[MPP], list[tuple[str, str]]] | None = None
    # Keep the chosen value: create the process's own row (raise a ServiceError to refuse).
    attach: Callable[[Device, str], Any] | None = None


KINDS: Registry[str, KindPlug] = Registry("device kinds")


def plug_of(kind: str) -> KindPlug | None:
    return KINDS.find(kind)
