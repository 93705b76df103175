"""Demo data: Kota Batam's Dukcapil agreement and its SATUSEHAT client, pointed at the simulators
(``make demo`` turns them on), so a citizen registering with a Batam NIK is checked out of the box
and the SIP applications of Batam are checked against SATUSEHAT SDMK."""

from __future__ import annotations

from mpp.integrations import crypto, dukcapil, satusehat
from mpp.integrations.models import ConnectorConfig


def load() -> None:
    ConnectorConfig.objects.get_or_create(
        connector=dukcapil.KEY,
        region_id="2171",
        defaults={
            "enabled": True,
            "endpoint": "",  # the simulator at MPP_PUBLIC_BASE_URL while MPP_SIMULATORS is on
            "options": {"user_id": dukcapil.SIMULATOR_USER, "threshold": "90"},
            "sealed_secrets": crypto.seal({"password": dukcapil.SIMULATOR_PASSWORD}),
        },
    )
    ConnectorConfig.objects.get_or_create(
        connector=satusehat.KEY,
        region_id="2171",
        defaults={
            "enabled": True,
            "endpoint": "",  # the simulator while MPP_SIMULATORS is on
            "options": {"client_id": satusehat.SIMULATOR_CLIENT_ID},
            "sealed_secrets": crypto.seal({"client_secret": satusehat.SIMULATOR_CLIENT_SECRET}),
        },
    )
