"""The ticket's code: the registration's number and a keyed hash of it (``salted_hmac``).

The code is what the QR code and the ticket link carry; whoever holds it may see the ticket and
cancel it, and a door scanner of the MPP may let its holder in. Nothing secret is stored, so a
reminder can carry the link again; changing ``SECRET_KEY`` invalidates every ticket link.
"""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

SALT = "mpp.activities.ticket"
MAC_LENGTH = 20
MAX_CODE_LENGTH = 40


def _mac(number: str) -> str:
    return salted_hmac(SALT, number, algorithm="sha256").hexdigest()[:MAC_LENGTH]


def ticket_code(number: str) -> str:
    return f"{number}-{_mac(number)}"


def number_of(code: str) -> str | None:
    """The registration number a ticket code names, or None when the code is not genuine."""
    code = (code or "").strip()
    if len(code) > MAX_CODE_LENGTH or "-" not in code:
        return None
    number, _sep, mac = code.rpartition("-")
    return number if secrets.compare_digest(mac, _mac(number)) else None
