"""The kiosks made before the one device mechanism become devices, and their tokens keep working."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mpp.accounts.tokens import hash_token
from mpp.cases.tests.factories import service_with
from mpp.devices import auth
from mpp.devices.models import Device, DeviceKind

BEFORE = [("queueing", "0001_initial"), ("surveys", "0002_kiosk_rate_networks_and_voids")]
AFTER = [("queueing", "0003_remove_kiosk"), ("surveys", "0004_kioskdevice_keeps_only_its_own")]


@pytest.mark.django_db(transaction=True)
def test_old_queue_and_skm_kiosks_become_devices_with_their_tokens():
    service = service_with()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        Kiosk = old.get_model("queueing", "Kiosk")
        KioskDevice = old.get_model("surveys", "KioskDevice")
        Kiosk.objects.create(
            mpp_id=service.mpp_id, name="Pintu utama", token_digest=hash_token("antrean-lama")
        )
        Kiosk.objects.create(
            mpp_id=service.mpp_id,
            name="Pintu lama",
            token_digest=hash_token("antrean-mati"),
            is_active=False,
        )
        tablet = KioskDevice.objects.create(
            mpp_id=service.mpp_id,
            service_id=service.pk,
            name="Tablet keluar",
            token_hash=hash_token("skmk_lama"),
            networks=["203.0.113.0/28"],
            min_interval_seconds=30,
        )
        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    queue_kiosk = auth.with_token("antrean-lama", DeviceKind.QUEUE_KIOSK)
    assert queue_kiosk.device is not None and queue_kiosk.device.name == "Pintu utama"
    stopped = auth.with_token("antrean-mati", DeviceKind.QUEUE_KIOSK)
    assert stopped.device is None and stopped.problem.code == "revoked"
    skm = auth.with_token("skmk_lama", DeviceKind.SKM_KIOSK).device
    assert skm is not None and skm.networks == ["203.0.113.0/28"]
    assert skm.skm_kiosk.pk == tablet.pk and skm.skm_kiosk.min_interval_seconds == 30
    assert Device.objects.count() == 3
