"""The guests' one-time codes move from complaints to notifications (shared with activities).

The table is kept: the model is declared here on the complaints table, then renamed to its own
name; ``complaints.0007`` drops the model from the complaints state only."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_notification_to_contact"),
        ("complaints", "0006_case_clocks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="GuestConfirmation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("address", models.CharField(max_length=254)),
                        ("code_hash", models.CharField(max_length=64)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("expires_at", models.DateTimeField()),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"db_table": "complaints_guestconfirmation"},
                )
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="guestconfirmation", table=None),
    ]
