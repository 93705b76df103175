"""The queue kiosks become devices of the one device mechanism (``devices.Device``).

Each ``Kiosk`` row becomes a device of kind ``queue_kiosk`` with the same token digest (its token
keeps working), name, MPP, creation and last-seen times; a deactivated kiosk becomes a revoked
device. Every ticket it printed points at its device. The old table goes in the next migration
(on PostgreSQL a table cannot be altered in the transaction that wrote rows it checks).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def kiosks_to_devices(apps, schema_editor):
    Kiosk = apps.get_model("queueing", "Kiosk")
    Device = apps.get_model("devices", "Device")
    Ticket = apps.get_model("queueing", "Ticket")
    now = timezone.now()
    for kiosk in Kiosk.objects.order_by("pk").iterator():
        device = Device.objects.create(
            mpp_id=kiosk.mpp_id,
            kind="queue_kiosk",
            name=kiosk.name,
            token_hash=kiosk.token_digest,
            created_at=kiosk.created_at,
            last_seen_at=kiosk.last_seen_at,
            revoked_at=None if kiosk.is_active else now,
        )
        Ticket.objects.filter(kiosk_id=kiosk.pk).update(device_id=device.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0001_initial"),
        ("queueing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="device",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="devices.device",
            ),
        ),
        migrations.RunPython(kiosks_to_devices, migrations.RunPython.noop),
    ]
