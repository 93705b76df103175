"""Edge checks shared by the web pages and the API, run before any view sees the request."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mpp.documents.store import StoredFileMissing, StoreUnavailable
from mpp.errors import problem_response

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
            return problem_response(
                request,
                422,
                _("Data yang dikirim tidak sah."),
                detail,
                errors=[{"field": field, "messages": [message]} for field in fields],
            )
        return render(request, "400.html", {"message": detail}, status=400)


class DatabaseUnavailableMiddleware:
    """While the database (or the file store) cannot be reached, answer 503 with Retry-After
    instead of a 500.

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
        if database_away(exception):
            return self.unavailable(request)
        if isinstance(exception, StoreUnavailable):
            return self.store_problem(request, exception, 503)
        if isinstance(exception, StoredFileMissing):
            return self.store_problem(request, exception, 404)
        return None

    def store_problem(
        self, request: HttpRequest, error: StoreUnavailable | StoredFileMissing, status: int
    ) -> HttpResponse:
        """The file store is down (503; the database is not), or a recorded file is not in it
        (404): a page in the person's language, or a problem document. The use case's transaction
        has rolled back, so nothing is half-saved."""
        if request.path.startswith("/api/"):
            response: HttpResponse = problem_response(
                request, status, str(error.title), str(error.detail)
            )
        else:
            response = render(
                request,
                "store_problem.html",
                {"title": error.title, "detail": error.detail, "unavailable": status == 503},
                status=status,
            )
        if status == 503:
            response["Retry-After"] = self.RETRY_AFTER_SECONDS
        response["Cache-Control"] = "no-store"
        return response

    @classmethod
    def unavailable(cls, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            response: HttpResponse = problem_response(
                request,
                503,
                "Layanan sedang tidak tersedia. / Service unavailable.",
                "Basis data tidak dapat dihubungi; coba lagi nanti. / "
                "The database cannot be reached; try again later.",
            )
        else:
            response = HttpResponse(
                (Path(__file__).parent / "templates" / "503.html").read_bytes(), status=503
            )
        response["Retry-After"] = cls.RETRY_AFTER_SECONDS
        response["Cache-Control"] = "no-store"
        return response


def database_away(error: BaseException | None) -> bool:
    """Whether ``error``, or an exception it was raised from or while handling, is the database
    out of reach (a session loaded by a middleware fails inside Django's own ``except``)."""
    for _depth in range(10):
        if error is None:
            return False
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        error = error.__cause__ or error.__context__
    return False


# Device and partner credentials count only on their own endpoints: a queue kiosk's cookie on
# the ticket kiosk, an SKM kiosk's token where answers are sent, an Open311 key where requests are
# filed. Anywhere else (tracking, guest codes, sign-in) the same request is anonymous.
DEVICE_ENDPOINTS: tuple[tuple[str, str], ...] = (
    ("/antrean/anjungan/", "queue_kiosk"),
    ("/skm/kios/", "skm_kiosk"),
    ("/api/v1/skm/responses", "skm_kiosk"),
    ("/open311/v2/requests", "open311"),
)

# Anonymous POSTs by path prefix → purpose (mpp.accounts.limits.PURPOSES); None is never limited
# (a password-reset link: its token is the proof). Everything else is "post".
PURPOSE_PATHS: tuple[tuple[str, str | None], ...] = (
    ("/akun/masuk/", "login"),
    ("/api/v1/auth/token", "login"),
    ("/akun/daftar/", "register"),
    ("/api/v1/citizens", "register"),
    ("/akun/sandi/lupa/", "password_reset"),
    ("/akun/sandi/atur/", None),
    # The demo OpenID provider's token endpoint: called by the server itself with the client's
    # credentials (demo only; 404 elsewhere).
    ("/demo-idp/token/", None),
    ("/pengaduan/konfirmasi/", "guest_code"),
    ("/pengaduan/baru/", "complaint"),
    ("/lacak/", "tracking"),
)
# The fields whose values are counted as identifiers, per purpose (guest codes are counted per
# destination in the complaints service, whatever the field is called).
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "login": ("username",),
    "register": ("nik", "email"),
    "password_reset": ("email",),
    "tracking": ("nomor",),
    "post": ("nik", "email", "username", "nomor"),
}


def purpose_for(path: str) -> str | None:
    return next((name for prefix, name in PURPOSE_PATHS if path.startswith(prefix)), "post")


def _identifiers(request: HttpRequest, fields: Iterable[str]) -> list[str]:
    values: list[str] = []
    fields = tuple(fields)
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        values = [str(request.POST.get(name, "")) for name in fields]
    elif (request.content_type or "").endswith("json"):
        try:
            body = json.loads(request.body)
        except (ValueError, RequestDataTooBig):
            body = None
        if isinstance(body, dict):
            values = [str(body.get(name) or "") for name in fields]
    return [value.strip().lower() for value in values if value and value.strip()]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/open311/"))


class AnonymousPostRateLimitMiddleware:
    """Count anonymous POSTs per purpose, per client address and per identifier.

    The purposes and their rates are one table (``mpp.accounts.limits``); sign-in failures and
    tracking misses are counted by the views that see them, everything else here. An address over
    its rate gets a question to answer (no JavaScript, no third party): answered, the person's
    requests for that purpose are counted on their own. API clients get a 429 problem with
    ``Retry-After``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or self._signed_in(request) or self._own_device(request):
            return self.get_response(request)
        name = purpose_for(request.path)
        if name is None:
            return self.get_response(request)
        from mpp.accounts import limits

        if not _is_api(request) and limits.TOKEN_FIELD in request.POST:
            token = request.POST.get(limits.TOKEN_FIELD, "")
            answer = request.POST.get(limits.ANSWER_FIELD, "")
            if not limits.solve_challenge(request, name, token, answer):
                limits.record_failure(request, "challenge")
                verdict = limits.check(request, "challenge", count=False)
                if verdict is not None:
                    response = self.refuse(request, limits.refusal(verdict))
                    response["Retry-After"] = str(verdict.retry_after)
                    return response
                return self.challenge(request, name, None, wrong=True)
        verdict = limits.check(request, name, _identifiers(request, KEY_FIELDS.get(name, ())))
        if verdict is None:
            return self.get_response(request)
        if verdict.action == limits.CHALLENGE and not _is_api(request):
            return self.challenge(request, name, verdict)
        response = self.refuse(request, limits.refusal(verdict))
        response["Retry-After"] = str(verdict.retry_after)
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        """Signed in by session, or calling the API with a usable bearer token: a person's own
        account, not an anonymous client. A wrong token is anonymous, so guessing stays limited."""
        if request.user.is_authenticated:
            return True
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return False
        from mpp.accounts.services import user_for_request_token

        return user_for_request_token(request, raw.strip()) is not None

    @staticmethod
    def _own_device(request: HttpRequest) -> bool:
        """A registered kiosk or an Open311 partner on its own endpoints (a kiosk posts once per
        visitor from the MPP's one address; a partner files for many reporters)."""
        kind = next((k for prefix, k in DEVICE_ENDPOINTS if request.path.startswith(prefix)), None)
        if kind in ("queue_kiosk", "skm_kiosk"):
            # One way for every device (``mpp.devices.auth``); the view reads the same answer.
            from mpp.devices.auth import device_of

            return device_of(request, kind) is not None
        if kind == "open311":
            from mpp.complaints.open311 import is_partner_request

            return is_partner_request(request)
        return False

    @staticmethod
    def challenge(request: HttpRequest, name: str, verdict, *, wrong: bool = False) -> HttpResponse:
        """The question, with what was sent kept in hidden fields (passwords and files are asked
        for again, never echoed), posted back to the same address."""
        from mpp.accounts import limits

        first, second, token = limits.new_challenge(name)
        skip = {"csrfmiddlewaretoken", limits.TOKEN_FIELD, limits.ANSWER_FIELD}
        kept, passwords = [], []
        for key, values in request.POST.lists():
            if key in skip:
                continue
            if "password" in key or "sandi" in key:
                passwords.append(key)
                continue
            kept += [(key, value) for value in values]
        if verdict is not None:
            message = limits.challenge_message(verdict)
        else:
            message = _("Jawab pertanyaan di bawah untuk melanjutkan.")
        context = {
            "message": message,
            "first": first,
            "second": second,
            "token": token,
            "token_field": limits.TOKEN_FIELD,
            "answer_field": limits.ANSWER_FIELD,
            "kept": kept,
            "passwords": passwords,
            "files": sorted(request.FILES.keys()),
            "wrong": wrong,
            "action": request.get_full_path(),
        }
        response = render(request, "429_challenge.html", context, status=429)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def refuse(request: HttpRequest, message: tuple[str, str]) -> HttpResponse:
        title, detail = message
        if _is_api(request):
            response: HttpResponse = problem_response(request, 429, title, detail)
        else:
            response = render(request, "429.html", {"title": title, "message": detail}, status=429)
        return response
