"""SATUSEHAT SDMK: is this NIK a registered health worker, and with which STR?

The Ministry of Health's platform answers with FHIR R4 resources behind an OAuth2 token obtained
with client credentials (``POST oauth2/v1/accesstoken?grant_type=client_credentials``). The
connector asks ``GET fhir-r4/v1/Practitioner?identifier=https://fhir.kemkes.go.id/id/nik|<NIK>``
and reads the IHS number (the practitioner's SATUSEHAT identifier) and, where returned, the STR
(number, validity) from the qualifications. This module has the interface
(:class:`PractitionerRegistry`), the HTTP adapter with its token cache and the simulator the demo
and the tests talk to (``/simulator/satusehat/``).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from pydantic import BaseModel, ConfigDict, Field

from mpp.integrations import clock, crypto
from mpp.integrations.client import Connection, Unavailable
from mpp.integrations.models import Outcome
from mpp.integrations.registry import Connector, Setting, connectors

KEY = "satusehat.sdmk"
AUTH_OPERATION = "access_token"
LOOKUP_OPERATION = "practitioner_by_nik"
AUTH_PATH = "oauth2/v1/accesstoken"
PRACTITIONER_PATH = "fhir-r4/v1/Practitioner"
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
IHS_SYSTEM = "https://fhir.kemkes.go.id/id/nakes-his-number"
STR_SYSTEM = "https://fhir.kemkes.go.id/id/str-kki-number"
# A cached token is dropped this long before SATUSEHAT says it expires.
TOKEN_MARGIN = datetime.timedelta(seconds=60)
STAGING_ENDPOINT = "https://api-satusehat-stg.dto.kemkes.go.id/"
PRODUCTION_ENDPOINT = "https://api-satusehat.kemkes.go.id/"


# --- The FHIR shapes read (only what is used; anything else in the answer is ignored) ----------


class _Resource(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Identifier(_Resource):
    system: str = ""
    value: str = ""


class Period(_Resource):
    start: datetime.date | None = None
    end: datetime.date | None = None


class Qualification(_Resource):
    identifier: list[Identifier] = Field(default_factory=list)
    period: Period | None = None


class Practitioner(_Resource):
    resourceType: str
    id: str = ""
    identifier: list[Identifier] = Field(default_factory=list)
    qualification: list[Qualification] = Field(default_factory=list)


class BundleEntry(_Resource):
    resource: dict[str, Any]


class Bundle(_Resource):
    resourceType: str
    total: int | None = None
    entry: list[BundleEntry] = Field(default_factory=list)


class TokenAnswer(_Resource):
    access_token: str = Field(min_length=1)
    expires_in: int = Field(gt=0)  # SATUSEHAT sends it as a string: "14399"


# --- The interface ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PractitionerAnswer:
    """What SATUSEHAT holds for one NIK: nothing (``found`` False), or the IHS number and the STR
    where one is returned (``str_valid_until`` None with a number: valid for life)."""

    found: bool
    ihs_number: str = ""
    str_number: str = ""
    str_valid_until: datetime.date | None = None


class PractitionerRegistry(Protocol):
    def practitioner(self, nik: str) -> PractitionerAnswer: ...


def parse_practitioners(data: Any) -> PractitionerAnswer:
    """Read a search Bundle; anything else raises (a garbled answer)."""
    bundle = Bundle.model_validate(data)
    if bundle.resourceType != "Bundle":
        raise ValueError("resourceType")
    people = [
        Practitioner.model_validate(entry.resource)
        for entry in bundle.entry
        if entry.resource.get("resourceType") == "Practitioner"
    ]
    if not people:
        return PractitionerAnswer(found=False)
    if len(people) > 1:  # one NIK, one practitioner: two is not an answer we can act on
        raise ValueError("several practitioners")
    person = people[0]
    ihs = next((i.value for i in person.identifier if i.system == IHS_SYSTEM), "") or person.id
    if not ihs:
        raise ValueError("IHS number")
    registrations = [
        (identifier.value, q.period.end if q.period else None)
        for q in person.qualification
        for identifier in q.identifier
        if identifier.system == STR_SYSTEM and identifier.value
    ]
    if not registrations:
        return PractitionerAnswer(found=True, ihs_number=ihs)
    # The registration valid longest (a lifetime STR first) is the one that counts.
    number, until = max(registrations, key=lambda r: r[1] or datetime.date.max)
    return PractitionerAnswer(found=True, ihs_number=ihs, str_number=number, str_valid_until=until)


class SatusehatHttp:
    """The HTTP adapter: a client-credentials token (cached, sealed, until shortly before it
    expires; fetched again once on a 401), then one FHIR search per look-up."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def _cache_key(self) -> str:
        # Per configuration and client id, hashed: the key names no credential.
        client = hashlib.sha256(self.connection.option("client_id").encode()).hexdigest()[:16]
        return f"integrations:satusehat:token:{self.connection.config.pk}:{client}"

    def _token(self, *, fresh: bool = False) -> str:
        key = self._cache_key()
        if not fresh:
            cached = cache.get(key)
            if isinstance(cached, str):
                try:
                    held = crypto.unseal(cached)
                except crypto.SecretsUnreadable:
                    held = {}
                held_until = held.get("until")
                if held_until and clock.now() < datetime.datetime.fromisoformat(held_until):
                    return str(held["token"])
        answer = self.connection.call(
            AUTH_OPERATION,
            "POST",
            AUTH_PATH,
            params={"grant_type": "client_credentials"},
            data={
                "client_id": self.connection.option("client_id"),
                "client_secret": self.connection.option("client_secret"),
            },
            parse=TokenAnswer.model_validate,
            idempotent=True,  # asking again only gets another token
        )
        lifetime = datetime.timedelta(seconds=answer.expires_in)
        until = clock.now() + max(lifetime - TOKEN_MARGIN, datetime.timedelta(0))
        sealed = crypto.seal({"token": answer.access_token, "until": until.isoformat()})
        cache.set(key, sealed, answer.expires_in)
        return answer.access_token

    def _search(self, nik: str, token: str) -> PractitionerAnswer:
        return self.connection.call(
            LOOKUP_OPERATION,
            "GET",
            PRACTITIONER_PATH,
            params={"identifier": f"{NIK_SYSTEM}|{nik}"},
            headers={"Authorization": f"Bearer {token}"},
            parse=parse_practitioners,
            idempotent=True,
        )

    def practitioner(self, nik: str) -> PractitionerAnswer:
        token = self._token()  # a refused token request is a refusal: no second try
        try:
            return self._search(nik, token)
        except Unavailable as error:
            if error.outcome != Outcome.REFUSED or error.status != 401:
                raise
        # The token was revoked or expired early: one new token, one more try.
        return self._search(nik, self._token(fresh=True))


def _simulator_endpoint() -> str:
    if not settings.MPP_SIMULATORS:
        return ""
    return settings.MPP_PUBLIC_BASE_URL.rstrip("/") + "/simulator/satusehat/"


def register() -> None:
    connectors.add(
        KEY,
        Connector(
            key=KEY,
            kind="health workforce",
            name=_("SATUSEHAT SDMK — data tenaga kesehatan"),
            version="1",
            per_region=True,
            settings=(
                Setting("client_id", _("Client ID (dari SATUSEHAT)")),
                Setting("client_secret", _("Client secret"), secret=True),
            ),
            build=SatusehatHttp,
            default_endpoint=_simulator_endpoint,
        ),
    )


# --- The simulator (demo and tests only: MPP_SIMULATORS) ---------------------------------------

SIMULATOR_CLIENT_ID = "simulasi-satusehat"
SIMULATOR_CLIENT_SECRET = "simulasi-satusehat-rahasia"  # noqa: S105 - a demo credential
SIMULATOR_TOKEN_SECONDS = 14399  # what SATUSEHAT gives: four hours less a second

# The health workers the simulator knows: NIK → (IHS number, STR number, STR valid until; None:
# for life). A NIK missing here is "not a registered health worker".
HEALTH_WORKERS: dict[str, tuple[str, str, datetime.date | None]] = {
    # Siti Rahmawati (demo citizen): a doctor with a lifetime STR (UU 17/2023).
    "2171055204950001": ("10009880728", "3121100220145199", None),
    # Dewi Lestari: a midwife whose old five-year STR has lapsed.
    "3471014101880002": ("10006926841", "3322100318004321", datetime.date(2024, 3, 31)),
    # Agus Setiawan: a nurse with a dated STR still valid.
    "3171010202850001": ("10001354453", "3621100119001234", datetime.date(2029, 6, 30)),
}

# The simulator's tokens are signed and dated, so any process of the demo accepts them.
_TOKEN_SALT = "mpp.integrations.satusehat.simulator"  # noqa: S105 - not a secret


@csrf_exempt
@require_POST
def simulator_token(request: HttpRequest) -> HttpResponse:
    if not settings.MPP_SIMULATORS:
        raise Http404
    if request.GET.get("grant_type") != "client_credentials":
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    if (
        request.POST.get("client_id") != SIMULATOR_CLIENT_ID
        or request.POST.get("client_secret") != SIMULATOR_CLIENT_SECRET
    ):
        return JsonResponse({"error": "invalid_client"}, status=401)
    token = signing.dumps({"client": SIMULATOR_CLIENT_ID}, salt=_TOKEN_SALT)
    return JsonResponse(
        {
            "access_token": token,
            "expires_in": str(SIMULATOR_TOKEN_SECONDS),
            "token_type": "BearerToken",
            "status": "approved",
        }
    )


def _outcome(code: str, text: str, status: int) -> JsonResponse:
    return JsonResponse(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "details": {"text": text}}],
        },
        status=status,
    )


def _practitioner(
    nik: str, ihs: str, str_number: str, until: datetime.date | None
) -> dict[str, Any]:
    period = {"start": "2019-01-15"} | ({"end": until.isoformat()} if until else {})
    return {
        "resourceType": "Practitioner",
        "id": ihs,
        "identifier": [
            {"system": IHS_SYSTEM, "use": "official", "value": ihs},
            {"system": NIK_SYSTEM, "use": "official", "value": nik},
        ],
        "qualification": [
            {
                "code": {"coding": [{"system": "http://terminology.kemkes.go.id", "code": "STR"}]},
                "identifier": [{"system": STR_SYSTEM, "value": str_number}],
                "period": period,
            }
        ],
        "meta": {"lastUpdated": "2026-01-05T08:00:00+00:00", "versionId": "1"},
    }


@require_GET
def simulator_practitioner(request: HttpRequest) -> HttpResponse:
    """A FHIR search by NIK, for the health workers above."""
    if not settings.MPP_SIMULATORS:
        raise Http404
    authorization = request.headers.get("Authorization", "")
    try:
        signing.loads(
            authorization.removeprefix("Bearer "),
            salt=_TOKEN_SALT,
            max_age=SIMULATOR_TOKEN_SECONDS,
        )
    except signing.BadSignature:
        return _outcome("login", "Invalid access token", 401)
    system, _bar, nik = request.GET.get("identifier", "").partition("|")
    if system != NIK_SYSTEM or not nik:
        return _outcome("invalid", "identifier must be a NIK", 400)
    worker = HEALTH_WORKERS.get(nik)
    entries = [] if worker is None else [{"resource": _practitioner(nik, *worker)}]
    return JsonResponse(
        {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}
    )
