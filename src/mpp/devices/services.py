"""Every write of a device: register (token shown once), rotate, revoke, pair, last seen.

One way for every kind (queue kiosk, hall display, SKM kiosk): the token is made and hashed by
``mpp.accounts.tokens``; the device proves itself with the token as a bearer (API clients) or
with the signed cookie the one-time pairing link sets (``mpp.devices.auth``). Rotating gives a
new token and a new pairing link and the old token stops working at once; revoking stops the
device for good. The manager's permission is the policy's (``Perm.MANAGE_DEVICES``); ``actor``
None is the demo loader or a test, which act as the platform.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts import policy
from mpp.accounts.policy import Perm
from mpp.accounts.tokens import hash_token, new_token
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.devices.kinds import plug_of
from mpp.devices.models import Device, DeviceKind
from mpp.errors import ServiceError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mpp.accounts.models import User
    from mpp.tenancy.models import MPP

# New tokens say what they are; ``skmk_`` is the prefix SKM kiosk tokens had before the devices
# were one mechanism (those tokens keep working: only their digest is stored, as for every token).
TOKEN_PREFIX = "mppd_"  # noqa: S105 - a visible prefix, not a secret
BEARER_PREFIXES = (TOKEN_PREFIX, "skmk_")
PAIRING_VALID = datetime.timedelta(hours=24)
# ``last_seen_at`` is written at most this often: a display polling every few seconds or a busy
# kiosk does not write its row on every request.
SEEN_EVERY = datetime.timedelta(minutes=1)
MAX_NETWORKS = 20


class DeviceError(ServiceError):
    """A refused device write or a token that does not (or no longer) work."""

    def __init__(self, errors: dict[str, str], *, code: str = "invalid", status: int = 400):
        super().__init__("", errors, status)
        self.code = code


@dataclass(frozen=True)
class Credentials:
    """What the manager is shown once: the token and the one-time pairing code."""

    device: Device
    token: str
    pairing_code: str


def _check(actor: User | None, target: MPP | Device) -> None:
    if actor is not None and not policy.can(actor, Perm.MANAGE_DEVICES, target):
        raise PermissionDenied


def _record(
    action: AuditAction,
    device: Device,
    *,
    actor: User | None,
    request: HttpRequest | None,
) -> None:
    """A device's event in the audit log. The summary is data a reader of either language
    understands (the device's name and MPP); the action's label says what happened."""
    summary = f"{device.name} · {device.mpp.name}"
    record_event(action, actor=actor, target=device, summary=summary, request=request)


def _new_pairing(device: Device, now: datetime.datetime) -> str:
    code = new_token(nbytes=18)
    device.pairing_hash = hash_token(code)
    device.pairing_expires_at = now + PAIRING_VALID
    return code


@transaction.atomic
def register_device(
    mpp: MPP,
    kind: str,
    name: str,
    *,
    actor: User | None,
    choice: str = "",
    raw_token: str | None = None,
    request: HttpRequest | None = None,
) -> Credentials:
    """A new device of ``mpp``; its token and pairing code are returned once (digests kept).

    The kind's process keeps its own row in the same transaction (``kinds.KindPlug.attach``,
    with ``choice``: the SKM kiosk's service); its refusal leaves nothing written.
    ``raw_token`` is for the demo's published credentials only."""
    _check(actor, mpp)
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = _("Beri nama perangkat (paling banyak 100 karakter).")
    if kind not in DeviceKind.values:
        errors["kind"] = _("Pilih jenis perangkat.")
    if errors:
        raise DeviceError(errors)
    now = timezone.now()
    raw = raw_token or new_token(TOKEN_PREFIX)
    device = Device(
        mpp=mpp,
        kind=kind,
        name=name,
        token_hash=hash_token(raw),
        created_by=actor,
        created_at=now,
    )
    code = _new_pairing(device, now)
    device.save()
    plug = plug_of(kind)
    if plug is not None and plug.attach is not None:
        plug.attach(device, choice)
    _record(AuditAction.DEVICE_REGISTERED, device, actor=actor, request=request)
    return Credentials(device, raw, code)


@transaction.atomic
def rotate_device(
    device: Device, *, actor: User | None, request: HttpRequest | None = None
) -> Credentials:
    """A new token and pairing code for ``device``; the old token (and the cookie it paired)
    stops working at once."""
    _check(actor, device)
    if device.revoked_at is not None:
        raise DeviceError(
            {"device": _("Perangkat yang sudah dicabut tidak dapat diberi token baru.")}
        )
    now = timezone.now()
    raw = new_token(TOKEN_PREFIX)
    device.token_hash = hash_token(raw)
    device.rotated_at = now
    code = _new_pairing(device, now)
    device.save(update_fields=["token_hash", "rotated_at", "pairing_hash", "pairing_expires_at"])
    _record(AuditAction.DEVICE_ROTATED, device, actor=actor, request=request)
    return Credentials(device, raw, code)


@transaction.atomic
def revoke_device(
    device: Device, *, actor: User | None, request: HttpRequest | None = None
) -> Device:
    """The device stops working for good (its rows stay: tickets and answers keep their source)."""
    _check(actor, device)
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.pairing_hash = None
        device.pairing_expires_at = None
        device.save(update_fields=["revoked_at", "pairing_hash", "pairing_expires_at"])
        _record(AuditAction.DEVICE_REVOKED, device, actor=actor, request=request)
    return device


def refusal(device: Device | None) -> DeviceError | None:
    """Why ``device`` (found by its token) may not act, or None when it may."""
    if device is None:
        return DeviceError(
            {"token": _("Token perangkat tidak dikenal atau sudah diganti.")}, code="not_found"
        )
    if device.revoked_at is not None:
        return DeviceError(
            {"token": _("Perangkat ini sudah dicabut oleh pengelola MPP.")},
            code="revoked",
            status=403,
        )
    return None


@transaction.atomic
def pair_device(code: str) -> Device:
    """Use a one-time pairing code: the device it names, whose cookie the caller then sets."""
    now = timezone.now()
    device = (
        Device.objects.select_for_update()
        .filter(pairing_hash=hash_token(code or ""), pairing_expires_at__gt=now)
        .first()
    )
    if device is None:
        raise DeviceError(
            {
                "code": _(
                    "Tautan pemasangan ini tidak berlaku lagi (sudah dipakai atau kedaluwarsa). "
                    "Minta tautan baru kepada pengelola MPP."
                )
            },
            code="pairing",
            status=404,
        )
    problem = refusal(device)
    if problem is not None:
        raise problem
    device.pairing_hash = None
    device.pairing_expires_at = None
    device.last_seen_at = now
    device.save(update_fields=["pairing_hash", "pairing_expires_at", "last_seen_at"])
    return device


def touch(device: Device, now: datetime.datetime | None = None) -> None:
    """Record that the device was seen, at most once a minute: nothing is written while the
    loaded row was seen less than a minute ago, and one conditional UPDATE otherwise."""
    moment = now or timezone.now()
    if device.last_seen_at is not None and moment - device.last_seen_at < SEEN_EVERY:
        return
    Device.objects.filter(pk=device.pk).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=moment - SEEN_EVERY)
    ).update(last_seen_at=moment)
    device.last_seen_at = moment


def address_allowed(device: Device, client_ip: str | None) -> bool:
    """Whether ``client_ip`` is in one of the device's networks (any address when it has none)."""
    if not device.networks:
        return True
    try:
        address = ipaddress.ip_address(client_ip or "")
    except ValueError:
        return False
    return any(
        address.version == network.version and address in network
        for network in (ipaddress.ip_network(text, strict=False) for text in device.networks)
    )


def parse_networks(text: str) -> list[str]:
    """The networks of a manager's text (one CIDR or address a line, or separated by commas),
    normalised ("10.1.2.3/24" → "10.1.2.0/24"); DeviceError names each one that is not."""
    items = [item.strip() for line in (text or "").splitlines() for item in line.split(",")]
    networks: list[str] = []
    wrong: list[str] = []
    for item in filter(None, items):
        try:
            network = str(ipaddress.ip_network(item, strict=False))
        except ValueError:
            wrong.append(item[:50])
            continue
        if network not in networks:
            networks.append(network)
    if wrong:
        raise DeviceError(
            {
                "networks": _(
                    "Bukan alamat jaringan yang sah: %(items)s. Tulis misalnya 203.0.113.0/28."
                )
                % {"items": ", ".join(wrong)}
            }
        )
    if len(networks) > MAX_NETWORKS:
        raise DeviceError(
            {"networks": _("Paling banyak %(n)s jaringan per perangkat.") % {"n": MAX_NETWORKS}}
        )
    return networks


def set_networks(device: Device, networks: list[str]) -> None:
    """Tie the device to these (parsed) networks; an empty list lets any address through."""
    device.networks = networks
    device.save(update_fields=["networks"])
