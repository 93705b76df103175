"""The guests' one-time codes now belong to notifications (its migration 0004 took the table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_case_clocks"),
        ("notifications", "0004_guestconfirmation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="GuestConfirmation")],
            database_operations=[],
        )
    ]
