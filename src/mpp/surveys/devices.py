"""Recognise a request sent by a registered SKM kiosk (its device token in the kiosk cookie of the
web page, or as the bearer token of the API).

A tablet at the exit of a busy MPP posts one response per visitor, all from the MPP's one public
address (often several tablets behind it), so the web layer's limit on anonymous POSTs must not
count it: with a valid, unrevoked device token it is a known device, not an anonymous client. A
wrong or revoked token is still anonymous, so guessing tokens stays limited.
"""

from __future__ import annotations

from mpp.surveys.services import KIOSK_TOKEN_PREFIX, SurveyError, kiosk_for_token

KIOSK_COOKIE = "skm_kiosk"


def kiosk_token_of(request) -> str:
    """The kiosk device token the request carries (bearer header first, then cookie), or ""."""
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() == "bearer" and raw.startswith(KIOSK_TOKEN_PREFIX):
        return raw
    return request.COOKIES.get(KIOSK_COOKIE, "")


def is_kiosk_request(request) -> bool:
    """Whether the request comes from a registered kiosk whose token still works."""
    raw = kiosk_token_of(request)
    if not raw or len(raw) > 200:
        return False
    try:
        kiosk_for_token(raw)
    except SurveyError:
        return False
    return True
