"""Edge checks shared by the web pages and the API, run before any view sees the request."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# C0 controls except tab, line feed and carriage return; DEL and the C1 controls; lone UTF-16
# surrogates (a JSON "\ud800" decodes to one and no database can store it). PostgreSQL refuses NUL
# in text and jsonb, and none of these belong in anything a person types.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_forbidden_character(value: str) -> bool:
    return FORBIDDEN.search(value) is not None


Located = Iterable[tuple[str, str]]


def _strings_in(value: Any, where: str) -> Located:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            yield name, str(key)
            yield from _strings_in(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings_in(item, f"{where}.{index}" if where else str(index))


def _fields(data) -> Located:
    for key, values in data.lists():
        yield key, key
        yield from ((key, value) for value in values)


def _request_strings(request: HttpRequest) -> Located:
    """Every text the request carries, with the name of the field (or "path") it came in."""
    yield "path", request.path_info
    yield from _fields(request.GET)
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return
    content_type = request.content_type or ""
    try:
        if content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            yield from _fields(request.POST)
            for key, files in request.FILES.lists():
                yield from ((key, upload.name or "") for upload in files)
        elif content_type.endswith("json") and request.body:
            yield from _strings_in(json.loads(request.body), "")
    except (RequestDataTooBig, TooManyFieldsSent, ValueError):
        # The view (or the API) answers these itself: too large, too many fields, not JSON.
        return


class InputHygieneMiddleware:
    """Refuse control characters in the path, the query string, form fields and JSON bodies.

    Refusing at the edge means no view, form or database ever sees them, and the person gets one
    clear message instead of a server error or a misleading one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = sorted(
            {name for name, value in _request_strings(request) if has_forbidden_character(value)}
        )
        if fields:
            return self.refuse(request, fields)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, fields: list[str]) -> HttpResponse:
        detail = _(
            "Isian berisi karakter kendali (misalnya karakter NUL) yang tidak diizinkan. "
            "Hapus karakter tersebut lalu kirim kembali."
        )
        if request.path.startswith("/api/"):
            # The API's problem document (RFC 9457), written here because no view has run yet.
            message = _("Tidak boleh berisi karakter kendali.")
            body = {
                "type": "about:blank",
                "title": _("Data yang dikirim tidak sah."),
                "status": 422,
                "detail": detail,
                "instance": request.path,
                "errors": [{"field": field, "messages": [message]} for field in fields],
            }
            return JsonResponse(body, status=422, content_type="application/problem+json")
        return render(request, "400.html", {"message": detail}, status=400)


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer 503 with Retry-After instead of a 500.

    The page is static (no template variable, no database, no session) because nothing else can
    be rendered then; API clients get the same as a problem document. A load balancer probing
    ``/healthz`` sees 503 too and sends traffic elsewhere.
    """

    RETRY_AFTER_SECONDS = "30"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError):
            return self.unavailable(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self.unavailable(request)
        return None

    def unavailable(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            body = {
                "type": "about:blank",
                "title": "Layanan sedang tidak tersedia. / Service unavailable.",
                "status": 503,
                "detail": "Basis data tidak dapat dihubungi; coba lagi nanti. / "
                "The database cannot be reached; try again later.",
                "instance": request.path,
            }
            response: HttpResponse = JsonResponse(
                body, status=503, content_type="application/problem+json"
            )
        else:
            response = HttpResponse(
                (Path(__file__).parent / "templates" / "503.html").read_bytes(), status=503
            )
        response["Retry-After"] = self.RETRY_AFTER_SECONDS
        response["Cache-Control"] = "no-store"
        return response


# (path prefix, limit per IP, limit per identifier) per window; "" is every other anonymous POST.
# Generous enough for a family registering together from one home connection.
RATE_LIMITS: tuple[tuple[str, int, int], ...] = (
    ("/akun/daftar/", 10, 3),
    ("/api/v1/citizens", 10, 3),
    ("/akun/sandi/lupa/", 10, 3),
    ("/lacak/", 20, 5),  # public tracking: per address, and per tracking number tried
    ("", 30, 10),
)
RATE_WINDOW_SECONDS = 600
IDENTIFIER_FIELDS = ("nik", "email", "username", "nomor")


def _identifiers(request: HttpRequest) -> list[str]:
    values: list[str] = []
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        values = [str(request.POST.get(name, "")) for name in IDENTIFIER_FIELDS]
    elif (request.content_type or "").endswith("json"):
        try:
            body = json.loads(request.body)
        except (ValueError, RequestDataTooBig):
            body = None
        if isinstance(body, dict):
            values = [str(body.get(name) or "") for name in IDENTIFIER_FIELDS]
    return [value.strip().lower() for value in values if value and value.strip()]


class AnonymousPostRateLimitMiddleware:
    """Count anonymous POSTs per client address and per identifier (NIK, email, username).

    Registration, password reset and every other anonymous POST (web and API) are limited, so that
    nobody can send a reset email twenty times to one address or try NIK after NIK. Identifiers are
    counted under their keyed digest: the cache never holds a NIK or an email address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous_post = request.method == "POST" and not self._authenticated(request)
        if anonymous_post and not self._allowed(request):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def _authenticated(request: HttpRequest) -> bool:
        """Signed in by session, calling the API with a usable bearer token, a registered SKM
        or queue kiosk with its device token, or an Open311 partner with its API key (an API client, a
        kiosk or a partner is not anonymous; a wrong token or key is,
        so guessing tokens stays limited). A kiosk posts once per visitor from the MPP's one
        address: counted as anonymous it was refused after 30 answers in ten minutes."""
        if request.user.is_authenticated:
            return True
        from mpp.complaints.open311 import is_partner_request
        from mpp.queueing.devices import is_kiosk_request as is_queue_kiosk
        from mpp.surveys.devices import is_kiosk_request

        if is_kiosk_request(request) or is_queue_kiosk(request) or is_partner_request(request):
            return True
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return False
        from mpp.accounts.services import user_for_token

        return user_for_token(raw.strip()) is not None

    def _allowed(self, request: HttpRequest) -> bool:
        from django.core.cache import cache

        from mpp.accounts.nik import nik_digest
        from mpp.audit.services import client_ip

        prefix, per_ip, per_identifier = next(
            rule for rule in RATE_LIMITS if request.path.startswith(rule[0])
        )
        scope = prefix or "post"
        keys = [(f"rl:{scope}:ip:{client_ip(request)}", per_ip)]
        keys += [
            (f"rl:{scope}:id:{nik_digest(value)[:32]}", per_identifier)
            for value in _identifiers(request)
        ]
        allowed = True
        for key, limit in keys:
            cache.add(key, 0, RATE_WINDOW_SECONDS)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, RATE_WINDOW_SECONDS)
                count = 1
            allowed = allowed and count <= limit
        return allowed

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        minutes = RATE_WINDOW_SECONDS // 60
        title = _("Terlalu banyak permintaan.")
        detail = _("Demi keamanan, coba lagi %(minutes)s menit lagi.") % {"minutes": minutes}
        if request.path.startswith("/api/"):
            body = {
                "type": "about:blank",
                "title": title,
                "status": 429,
                "detail": detail,
                "instance": request.path,
            }
            response: HttpResponse = JsonResponse(
                body, status=429, content_type="application/problem+json"
            )
        else:
            response = render(request, "429.html", {"title": title, "message": detail}, status=429)
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        return response
