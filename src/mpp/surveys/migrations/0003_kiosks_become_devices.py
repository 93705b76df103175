"""The SKM kiosks become devices of the one device mechanism (``devices.Device``).

Each ``KioskDevice`` gets a device of kind ``skm_kiosk`` with its token digest (its ``skmk_``
token keeps working), name, MPP, creator, times, revocation and networks; the kiosk row keeps what
only the SKM kiosk has (service, interval, last answer, refusal counts), so its responses and
voids keep pointing at it. The moved columns go in the next migration (on PostgreSQL a table
cannot be altered in the transaction that wrote rows it checks).
"""

import django.db.models.deletion
from django.db import migrations, models


def kiosks_to_devices(apps, schema_editor):
    KioskDevice = apps.get_model("surveys", "KioskDevice")
    Device = apps.get_model("devices", "Device")
    for kiosk in KioskDevice.objects.order_by("pk").iterator():
        device = Device.objects.create(
            mpp_id=kiosk.mpp_id,
            kind="skm_kiosk",
            name=kiosk.name,
            token_hash=kiosk.token_hash,
            created_by_id=kiosk.created_by_id,
            created_at=kiosk.created_at,
            revoked_at=kiosk.revoked_at,
            networks=kiosk.networks,
            last_seen_at=kiosk.last_answer_at,
        )
        KioskDevice.objects.filter(pk=kiosk.pk).update(device_id=device.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0001_initial"),
        ("surveys", "0002_kiosk_rate_networks_and_voids"),
    ]

    operations = [
        migrations.AddField(
            model_name="kioskdevice",
            name="device",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="skm_kiosk",
                to="devices.device",
            ),
        ),
        migrations.RunPython(kiosks_to_devices, migrations.RunPython.noop),
    ]
