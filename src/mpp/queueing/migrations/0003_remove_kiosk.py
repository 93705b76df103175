"""The queue kiosks live on as devices (0002): the old table goes, ``Ticket.kiosk`` names the device."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("queueing", "0002_kiosks_become_devices"),
    ]

    operations = [
        migrations.RemoveField(model_name="ticket", name="kiosk"),
        migrations.DeleteModel(name="Kiosk"),
        migrations.RenameField(model_name="ticket", old_name="device", new_name="kiosk"),
    ]
