"""What a signed-in request needs to know about its user beyond the user's row: the active role
grants (the policy's input) and the confirmed two-factor devices (has the second factor been
passed?), read from the cache in one round trip instead of two queries on every request.

The entry is kept under the user's id and ``User.access_stamp``, which database triggers raise in
the transaction that changes any of the user's grants or devices, however it is written
(migration ``accounts.0009``). The user's row itself is read from the database on every request
(Django checks the session against it), so the first request after a change reads a stamp no
entry is kept under and loads the grants and devices afresh: a revoked role or a removed device
never outlives its transaction. An entry read before a change committed and written after it is
kept under the old stamp, which the row never carries again (the stamp only rises). Entries expire
after ``ACCESS_CACHE_SECONDS``, so what a grant shows of its scope (an MPP's or agency's name)
follows a rename within that time. With the cache away (``ResilientRedisCache``) every request
reads the database, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from mpp.accounts.models import RoleGrant, User

ACCESS_CACHE_SECONDS = 300
# What the sign-in asks of a device (django-otp: its user, is it confirmed, its persistent id).
DEVICE_FIELDS = ("id", "user_id", "name", "confirmed")


@dataclass(frozen=True)
class Access:
    grants: list[RoleGrant]
    devices: dict[str, TOTPDevice]  # confirmed devices by django-otp's persistent id


def _key(user: User) -> str:
    return f"accounts:access:{user.pk}:{user.access_stamp}"


def access_of(user: User) -> Access:
    """The user's active grants and confirmed devices as of ``user.access_stamp``; puts the grants
    on the user object (``user.active_grants``) for the rest of the request."""
    key = _key(user)
    found = cache.get(key)
    if not isinstance(found, Access):
        found = Access(
            grants=user.load_active_grants(),
            devices={
                device.persistent_id: device
                # Without the secret key: the cache never holds what makes a code. A deferred
                # field loads from the database if read, and save() writes only loaded fields.
                for device in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).only(
                    *DEVICE_FIELDS
                )
            },
        )
        cache.set(key, found, ACCESS_CACHE_SECONDS)
    # An assignment, not ``__dict__``: ``user`` may be the request's lazy proxy of the user.
    user.active_grants = found.grants
    return found
