"""An SKM kiosk row keeps only what the SKM kiosk alone has; the rest is its device's (0003)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0001_initial"),
        ("surveys", "0003_kiosks_become_devices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="kioskdevice",
            name="device",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="skm_kiosk",
                to="devices.device",
            ),
        ),
        migrations.AlterModelOptions(
            name="kioskdevice",
            options={
                "ordering": ["device__mpp", "device__name"],
                "verbose_name": "perangkat kios SKM",
            },
        ),
        migrations.RemoveField(model_name="kioskdevice", name="mpp"),
        migrations.RemoveField(model_name="kioskdevice", name="name"),
        migrations.RemoveField(model_name="kioskdevice", name="token_hash"),
        migrations.RemoveField(model_name="kioskdevice", name="created_by"),
        migrations.RemoveField(model_name="kioskdevice", name="created_at"),
        migrations.RemoveField(model_name="kioskdevice", name="revoked_at"),
        migrations.RemoveField(model_name="kioskdevice", name="networks"),
    ]
