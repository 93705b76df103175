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
import functools
import json
import re
from collections.abc import Callable
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
DATA_OPERATION = "read_person"
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


@dataclass(frozen=True)
class PersonData:
    """What Dukcapil holds of a NIK and gives a partner to fill in a form (empty: not given)."""

    name: str = ""
    birth_place: str = ""
    birth_date: datetime.date | None = None
    address: str = ""
    kk_number: str = ""  # nomor Kartu Keluarga


# Field of PersonData → the field name of the partner's data service.
PERSON_FIELDS = {
    "name": "NAMA_LGKP",
    "birth_place": "TMPT_LHR",
    "birth_date": "TGL_LHR",
    "address": "ALAMAT",
    "kk_number": "NO_KK",
}


class NikVerifier(Protocol):
    def verify(self, query: NikQuery) -> NikAnswer: ...

    def person(self, nik: str) -> PersonData | None: ...


_VERDICT = re.compile(r"^\s*(Sesuai|Tidak Sesuai)\s*(?:\((\d{1,3})\))?\s*$")


def _row(data: Any) -> dict[str, Any] | None:
    """The one row of a partner service's answer; None for "Data Tidak Ditemukan"."""
    rows = data["content"]
    if not isinstance(rows, list) or len(rows) != 1 or not isinstance(rows[0], dict):
        raise BadAnswer("content")
    row = rows[0]
    if "RESPON" in row:
        if "tidak ditemukan" in str(row["RESPON"]).lower():
            return None
        raise BadAnswer("RESPON")
    return row


def parse_answer(data: Any) -> NikAnswer:
    """Read the service's answer; anything else is :class:`BadAnswer` (a garbled answer)."""
    row = _row(data)
    if row is None:
        unknown: dict[str, bool | None] = {e: None for e in ELEMENTS}
        unknown["nik"] = False
        return NikAnswer(found=False, elements=unknown, score=0)
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


def parse_person(data: Any) -> PersonData | None:
    """Read the data service's answer (None: "Data Tidak Ditemukan"); else :class:`BadAnswer`."""
    row = _row(data)
    if row is None:
        return None
    values = {}
    for name, field_name in PERSON_FIELDS.items():
        value = row.get(field_name) or ""
        if not isinstance(value, str) or len(value) > 300:
            raise BadAnswer(field_name)
        values[name] = value.strip()
    birth = values.pop("birth_date")
    birth_date = datetime.datetime.strptime(birth, "%d-%m-%Y").date() if birth else None
    return PersonData(birth_date=birth_date, **values)


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

    def person(self, nik: str) -> PersonData | None:
        """The data Dukcapil gives for a NIK under the agreement (a query: may be tried again)."""
        body = {
            "NIK": nik,
            "user_id": self.connection.option("user_id"),
            "password": self.connection.option("password"),
        }
        return self.connection.call(
            DATA_OPERATION, "POST", "data/", json=body, parse=parse_person, idempotent=True
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
# Their address and family card number, given by the data service (prefill).
HOUSEHOLDS = {
    "2171011508900003": ("JL. ENGKU PUTRI NO. 1, RT 001/RW 002, TELUK TERING", "2171010101900001"),
    "2171055204950001": (
        "PERUM TIBAN INDAH BLOK C NO. 7, RT 003/RW 005, TIBAN",
        "2171050303950002",
    ),
    "3471014101880002": ("JL. MALIOBORO NO. 12, RT 004/RW 001, SOSROMENDURAN", "3471010505880003"),
    "3171010202850001": ("JL. MERDEKA NO. 3, RT 002/RW 004, GAMBIR", "3171010606850004"),
}


def _name_score(given: str, known: str) -> int:
    a, b = set(given.upper().split()), set(known.split())
    return round(100 * len(a & b) / len(a | b)) if a | b else 0


NOT_FOUND = {"content": [{"RESPON": "Data Tidak Ditemukan"}], "lastPage": True}


def _simulated(
    answer: Callable[[dict[str, Any]], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A simulator view: 404 unless the simulators are on, the partner's refusals of a bad body
    or wrong credentials, then ``answer`` of the body."""

    @csrf_exempt
    @require_POST
    @functools.wraps(answer)
    def view(request: HttpRequest) -> HttpResponse:
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
        return answer(data)

    return view


@_simulated
def simulator_data(data: dict[str, Any]) -> HttpResponse:
    """Answers like the partner's data service: what Dukcapil holds of a NIK."""
    nik = str(data.get("NIK", ""))
    if nik not in POPULATION:
        return JsonResponse(NOT_FOUND)
    name, birth_date, birth_place = POPULATION[nik]
    address, kk_number = HOUSEHOLDS[nik]
    row = {
        "NIK": nik,
        "NAMA_LGKP": name,
        "TMPT_LHR": birth_place,
        "TGL_LHR": birth_date.strftime("%d-%m-%Y"),
        "ALAMAT": address,
        "NO_KK": kk_number,
    }
    return JsonResponse({"content": [row], "lastPage": True})


@_simulated
def simulator(data: dict[str, Any]) -> HttpResponse:
    """Answers like the partner web service, for the population above."""
    person = POPULATION.get(str(data.get("NIK", "")))
    if person is None:
        return JsonResponse(NOT_FOUND)
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
