"""The demo's devices: registered with the published tokens of the README's demo table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mpp.accounts.tokens import hash_token
from mpp.devices.models import Device
from mpp.devices.services import register_device

if TYPE_CHECKING:
    from mpp.tenancy.models import MPP


def demo_device(mpp: MPP, kind: str, name: str, raw_token: str, *, choice: str = "") -> Device:
    """The device whose token is ``raw_token``, registered once (idempotent, as the demo is)."""
    device = Device.objects.filter(token_hash=hash_token(raw_token)).first()
    if device is None:
        device = register_device(
            mpp, kind, name, actor=None, choice=choice, raw_token=raw_token
        ).device
    return device
