"""Fixtures of the integrations tests: the Dukcapil simulator as the partner, partners that fail,
and a clock the tests move."""

from __future__ import annotations

import datetime

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from mpp.integrations import client as client_module
from mpp.integrations import clock
from mpp.integrations.dukcapil import KEY, SIMULATOR_PASSWORD, SIMULATOR_USER
from mpp.integrations.models import ConnectorConfig
from mpp.integrations.services import connection_for


class Partner:
    """What answers the connectors' HTTP calls, counted: the simulator, or a failure."""

    def __init__(self) -> None:
        self.mode = "simulator"
        # When set, only requests whose path contains it fail as ``mode`` says (a SATUSEHAT whose
        # token endpoint works and whose FHIR search does not, say); the others are answered.
        self.only = ""
        self.sent: list[httpx.Request] = []

    def to(self, fragment: str) -> list[httpx.Request]:
        """The requests sent to paths containing ``fragment``."""
        return [request for request in self.sent if fragment in request.url.path]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        mode = self.mode if not self.only or self.only in request.url.path else "simulator"
        if mode == "401":
            return httpx.Response(401, json={"resourceType": "OperationOutcome"})
        if mode == "timeout":
            raise httpx.ReadTimeout("slow partner", request=request)
        if mode == "unreachable":
            raise httpx.ConnectError("refused", request=request)
        if mode == "500":
            return httpx.Response(500, text="Internal Server Error")
        if mode == "garbage":
            return httpx.Response(200, text="<html>maintenance</html>")
        if mode == "wrong shape":
            return httpx.Response(200, json={"content": [{"NIK": "Mungkin"}]})
        # The real simulator view, through Django's test client (same database, same process).
        path = request.url.path + (f"?{request.url.query.decode()}" if request.url.query else "")
        answer = Client().generic(
            request.method,
            path,
            data=request.content,
            content_type=request.headers.get("content-type", ""),
            headers={"authorization": request.headers.get("authorization", "")},
        )
        return httpx.Response(
            answer.status_code,
            content=answer.content,
            headers={"content-type": answer.get("Content-Type", "")},
        )


@pytest.fixture
def partner(settings, monkeypatch):
    settings.MPP_SIMULATORS = True
    settings.MPP_INTEGRATION_TRIES = 2
    partner = Partner()
    monkeypatch.setattr(
        client_module, "transport_for", lambda connection: httpx.MockTransport(partner.handle)
    )
    monkeypatch.setattr("mpp.deadlines.retry.time.sleep", lambda seconds: None)
    return partner


class Clock:
    def __init__(self) -> None:
        self.moment = timezone.now()

    def now(self) -> datetime.datetime:
        return self.moment

    def move(self, **delta: float) -> datetime.datetime:
        self.moment += datetime.timedelta(**delta)
        return self.moment


@pytest.fixture
def moved_clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


@pytest.fixture
def batam_dukcapil(db, partner):
    """Kota Batam's Dukcapil agreement, configured to the simulator (its default endpoint)."""
    from mpp.integrations import crypto

    return ConnectorConfig.objects.create(
        connector=KEY,
        region_id="2171",
        enabled=True,
        options={"user_id": SIMULATOR_USER, "threshold": "90"},
        sealed_secrets=crypto.seal({"password": SIMULATOR_PASSWORD}),
    )


@pytest.fixture
def connection(batam_dukcapil):
    found = connection_for(KEY, "2171")
    assert found is not None
    return found


@pytest.fixture
def batam_satusehat(db, partner):
    """Kota Batam's SATUSEHAT client, configured to the simulator (its default endpoint)."""
    from mpp.integrations import crypto, satusehat

    return ConnectorConfig.objects.create(
        connector=satusehat.KEY,
        region_id="2171",
        enabled=True,
        options={"client_id": satusehat.SIMULATOR_CLIENT_ID},
        sealed_secrets=crypto.seal({"client_secret": satusehat.SIMULATOR_CLIENT_SECRET}),
    )
