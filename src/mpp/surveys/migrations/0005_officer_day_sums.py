"""Per-officer day sums of the officer element (U7), filled from the answers already given.

The fill is one INSERT … SELECT (the same SQL on PostgreSQL and SQLite): per local day × unit ×
officer, the unit keys written as ``units.officer_units_of`` writes them (MPP, agency, agency at
MPP, service), voided kiosk answers left out — what ``recompute_skm_sums`` recomputes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OFFICER_ELEMENT = "U7"  # elements.OFFICER_ELEMENT when this was written
UNITS = {
    "'mpp:' || r.mpp_id": "r.mpp_id IS NOT NULL",
    "'agency:' || r.agency_id": "r.agency_id IS NOT NULL",
    "'presence:' || r.agency_id || '@' || r.mpp_id": (
        "r.agency_id IS NOT NULL AND r.mpp_id IS NOT NULL"
    ),
    "'service:' || r.service_id": "r.service_id IS NOT NULL",
}


def fill(apps, schema_editor):
    parts = [
        f"SELECT r.day, {key}, r.officer_id, SUM(a.value), COUNT(*) "  # noqa: S608
        f"FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        f"WHERE a.element = %s AND r.officer_id IS NOT NULL AND r.void_id IS NULL AND {present} "
        f"GROUP BY r.day, {key}, r.officer_id"
        for key, present in UNITS.items()
    ]
    schema_editor.execute(
        'INSERT INTO surveys_officerdaysum ("day", "unit", "officer_id", "total", "count") '
        + " UNION ALL ".join(parts),
        [OFFICER_ELEMENT] * len(parts),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_kioskdevice_keeps_only_its_own"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficerDaySum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("unit", models.CharField(max_length=40)),
                ("total", models.BigIntegerField(default=0)),
                ("count", models.BigIntegerField(default=0)),
                (
                    "officer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit", "day", "officer"), name="officer_day_sum_key"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
