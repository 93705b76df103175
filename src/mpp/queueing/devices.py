"""Recognise a request sent by a registered queue kiosk (its token in the kiosk's signed cookie).

The ticket kiosk in an MPP's hall prints one number per visitor, all from the MPP's one public
address, so the web layer's limit on anonymous POSTs (30 per address in ten minutes) must not
count it: with a valid, active kiosk token it is a known device, not an anonymous client. A
missing, forged or revoked token is still anonymous.
"""

from __future__ import annotations

from mpp.queueing.services import kiosk_for_token

KIOSK_COOKIE = "mpp_kiosk"
KIOSK_SALT = "mpp.queueing.kiosk"


def kiosk_of(request):
    """The active kiosk whose token the request's signed cookie carries, or None."""
    raw = request.get_signed_cookie(KIOSK_COOKIE, default="", salt=KIOSK_SALT)
    return kiosk_for_token(raw) if raw else None


def is_kiosk_request(request) -> bool:
    return kiosk_of(request) is not None
