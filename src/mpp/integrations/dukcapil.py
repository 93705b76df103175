"""Dukcapil NIK verification by elements (verifikasi data berbasis elemen).

A partner institution with a data-sharing agreement (PKS) sends a NIK with the elements it holds
— full name, birth date, birth place — and Dukcapil answers, per element, "Sesuai" or
"Tidak Sesuai", with a similarity score for the name where it has one; a NIK it does not know is
"Data Tidak Ditemukan". This module has the interface (:class:`NikVerifier`), the HTTP adapter
for that service shape (JSON over HTTPS, the region's user id and password in the body, as the
partner web service asks) and the simulator the demo and the tests talk to (``/simulator/dukcapil/``).
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mpp.integrations.client import BadAnswer, Connection
from mpp.integrations.registry import Connector, Setting, connectors

KEY = "dukcapil.nik"
OPERATION = "verify_nik"
ELEMENTS = ("nik", "name", "birth_date", "birth_place")
# Element → the field name of the partner web service.
FIELDS = {"nik": "NIK", "name": "NAMA_LGKP", "birth_date": "TGL_LHR", "birth_place": "TMPT_LHR"}


@dataclass(frozen=True)
class NikQuery:
    nik: str
    name: str
    birth_date: datetime.date
    birth_place: str = ""  # not every form asks for it: then it is not checked


@dataclass(frozen=True)
class NikAnswer:
    """Per element True (sesuai), False (tidak sesuai) or None (not asked); a 0–100 score."""

    found: bool
    elements: dict[str, bool | None]
    score: int

    @property
    def matched(self) -> bool:
        asked = [value for value in self.elements.values() if value is not None]
        return self.found and bool(asked) and all(asked)


class NikVerifier(Protocol):
    def verify(self, query: NikQuery) -> NikAnswer: ...


_VERDICT = re.compile(r"^\s*(Sesuai|Tidak Sesuai)\s*(?:\((\d{1,3})\))?\s*$")


def parse_answer(data: Any) -> NikAnswer:
    """Read the service's answer; anything else is :class:`BadAnswer` (a garbled answer)."""
    rows = data["content"]
    if not isinstance(rows, list) or len(rows) != 1 or not isinstance(rows[0], dict):
        raise BadAnswer("content")
    row = rows[0]
    if "RESPON" in row:
        if "tidak ditemukan" in str(row["RESPON"]).lower():
            unknown: dict[str, bool | None] = {e: None for e in ELEMENTS}
            unknown["nik"] = False
            return NikAnswer(found=False, elements=unknown, score=0)
        raise BadAnswer("RESPON")
    elements: dict[str, bool | None] = {}
    scores: list[int] = []
    for element, field_name in FIELDS.items():
        if field_name not in row:
            elements[element] = None
            continue
        match = _VERDICT.match(str(row[field_name]))
        if match is None:
            raise BadAnswer(field_name)
        ok = match.group(1) == "Sesuai"
        elements[element] = ok
        scores.append(min(int(match.group(2)), 100) if match.group(2) else (100 if ok else 0))
    if elements["nik"] is None:
        raise BadAnswer("NIK")
    return NikAnswer(found=True, elements=elements, score=round(sum(scores) / len(scores)))


class DukcapilHttp:
    """The HTTP adapter: one POST per look-up (a query, so it may be tried again)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def verify(self, query: NikQuery) -> NikAnswer:
        body: dict[str, Any] = {
            "NIK": query.nik,
            "NAMA_LGKP": query.name,
            "TGL_LHR": query.birth_date.strftime("%d-%m-%Y"),
            "user_id": self.connection.option("user_id"),
            "password": self.connection.option("password"),
            "TRESHOLD": self.connection.option("threshold"),
        }
        if query.birth_place:
            body["TMPT_LHR"] = query.birth_place
        return self.connection.call(
            OPERATION, "POST", "verifikasi/", json=body, parse=parse_answer, idempotent=True
        )


def _simulator_endpoint() -> str:
    """Where a region without an endpoint of its own is sent while the simulators are on (demo)."""
    if not settings.MPP_SIMULATORS:
        return ""
    return settings.MPP_PUBLIC_BASE_URL.rstrip("/") + "/simulator/dukcapil/"


def register() -> None:
    connectors.add(
        KEY,
        Connector(
            key=KEY,
            kind="identity",
            name=_("Dukcapil — verifikasi NIK berbasis elemen"),
            version="1",
            per_region=True,
            settings=(
                Setting("user_id", _("ID pengguna (dari PKS dengan Dukcapil)")),
                Setting("password", _("Kata sandi"), secret=True),
                Setting(
                    "threshold",
                    _("Ambang kemiripan nama (0–100)"),
                    required=False,
                    default="90",
                ),
            ),
            build=DukcapilHttp,
            default_endpoint=_simulator_endpoint,
        ),
    )


# --- The simulator (demo and tests only: MPP_SIMULATORS) ---------------------------------------

SIMULATOR_USER = "simulasi"
SIMULATOR_PASSWORD = "simulasi-dukcapil"  # noqa: S105 - a demo credential, off in production

# The population the simulator knows: the demo citizens and a few more, with their birth places.
POPULATION = {
    "2171011508900003": ("BUDI SANTOSO", datetime.date(1990, 8, 15), "BATAM"),
    "2171055204950001": ("SITI RAHMAWATI", datetime.date(1995, 4, 12), "BATAM"),
    "3471014101880002": ("DEWI LESTARI", datetime.date(1988, 1, 1), "YOGYAKARTA"),
    "3171010202850001": ("AGUS SETIAWAN", datetime.date(1985, 2, 2), "JAKARTA"),
}


def _name_score(given: str, known: str) -> int:
    a, b = set(given.upper().split()), set(known.split())
    return round(100 * len(a & b) / len(a | b)) if a | b else 0


@csrf_exempt
@require_POST
def simulator(request: HttpRequest) -> HttpResponse:
    """Answers like the partner web service, for the population above."""
    if not settings.MPP_SIMULATORS:
        raise Http404
    try:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"message": "Bad request"}, status=400)
    if data.get("user_id") != SIMULATOR_USER or data.get("password") != SIMULATOR_PASSWORD:
        return JsonResponse({"message": "Unauthorized"}, status=401)
    person = POPULATION.get(str(data.get("NIK", "")))
    if person is None:
        return JsonResponse({"content": [{"RESPON": "Data Tidak Ditemukan"}], "lastPage": True})
    name, birth_date, birth_place = person
    try:
        threshold = int(str(data.get("TRESHOLD") or 90))
    except ValueError:
        threshold = 90
    score = _name_score(str(data.get("NAMA_LGKP", "")), name)
    row = {
        "NIK": "Sesuai",
        "NAMA_LGKP": f"{'Sesuai' if score >= threshold else 'Tidak Sesuai'} ({score})",
        "TGL_LHR": "Sesuai"
        if data.get("TGL_LHR") == birth_date.strftime("%d-%m-%Y")
        else "Tidak Sesuai",
    }
    if data.get("TMPT_LHR"):
        row["TMPT_LHR"] = (
            "Sesuai" if str(data["TMPT_LHR"]).strip().upper() == birth_place else "Tidak Sesuai"
        )
    return JsonResponse({"content": [row], "lastPage": True})
