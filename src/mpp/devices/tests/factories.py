"""Devices for the tests of the processes that use them (registered through the one service)."""

from __future__ import annotations

from mpp.accounts.tokens import hash_token
from mpp.devices.models import Device, DeviceKind
from mpp.devices.services import register_device, revoke_device


def register_queue_kiosk(mpp, name: str = "Anjungan pintu utama", raw_token: str | None = None):
    """A queue kiosk of ``mpp`` and its token."""
    credentials = register_device(
        mpp, DeviceKind.QUEUE_KIOSK, name, actor=None, raw_token=raw_token
    )
    return credentials.device, credentials.token


def register_skm_kiosk(*, mpp, service, name: str = "Tablet", actor=None):
    """An SKM kiosk (its ``surveys.KioskDevice``) asking about ``service``, and its token."""
    credentials = register_device(
        mpp, DeviceKind.SKM_KIOSK, name, actor=actor, choice=str(service.pk)
    )
    return credentials.device.skm_kiosk, credentials.token


def revoke(device) -> None:
    """Revoke a device (or the device of an SKM kiosk row) as the platform."""
    revoke_device(getattr(device, "device", device), actor=None)


def device_with_token(raw: str) -> Device:
    return Device.objects.select_related("mpp").get(token_hash=hash_token(raw))
