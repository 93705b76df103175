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
# The hash is written in letters: in hexadecimal, about one code in 370 held sixteen digits in a
# row, which a notification link refuses as a possible NIK (the registration then failed).
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _mac(number: str) -> str:
    digest = salted_hmac(SALT, number, algorithm="sha256").digest()
    return "".join(LETTERS[byte % len(LETTERS)] for byte in digest[:MAC_LENGTH])


def _hex_mac(number: str) -> str:
    """The hash as codes sent before 5 December 2026 wrote it (their links still open)."""
    return salted_hmac(SALT, number, algorithm="sha256").hexdigest()[:MAC_LENGTH]


def ticket_code(number: str) -> str:
    return f"{number}-{_mac(number)}"


def number_of(code: str) -> str | None:
    """The registration number a ticket code names, or None when the code is not genuine."""
    code = (code or "").strip()
    if len(code) > MAX_CODE_LENGTH or "-" not in code:
        return None
    number, _sep, mac = code.rpartition("-")
    genuine = secrets.compare_digest(mac, _mac(number)) or secrets.compare_digest(
        mac, _hex_mac(number)
    )
    return number if genuine else None
