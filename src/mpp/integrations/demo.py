"""Demo data: Kota Batam's Dukcapil agreement, pointed at the simulator (``make demo`` turns the
simulators on), so a citizen registering with a Batam NIK is checked out of the box."""

from __future__ import annotations

from mpp.integrations import crypto, dukcapil
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
