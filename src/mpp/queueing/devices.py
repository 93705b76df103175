"""The queue's kinds of device (``mpp.devices``): the ticket kiosk and the hall display."""

from __future__ import annotations

from django.urls import reverse

from mpp.devices.kinds import KINDS, KindPlug
from mpp.devices.models import Device, DeviceKind


def register_kinds() -> None:
    KINDS.add(DeviceKind.QUEUE_KIOSK, KindPlug(start_url=lambda _device: reverse("queueing:kiosk")))
    KINDS.add(DeviceKind.HALL_DISPLAY, KindPlug(start_url=_display_url))


def _display_url(device: Device) -> str:
    return reverse("queueing:display", args=[device.mpp.slug])
