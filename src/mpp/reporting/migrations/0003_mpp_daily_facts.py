from django.db import migrations, models
from django.db.models import Sum


def fill(apps, schema_editor):
    """Sum the existing daily facts per day, kab/kota and MPP."""
    daily = apps.get_model("reporting", "DailyFact")
    rollup = apps.get_model("reporting", "MppDailyFact")
    alias = schema_editor.connection.alias
    rows = (
        daily.objects.using(alias)
        .values("day", "region", "mpp", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    rollup.objects.using(alias).bulk_create(
        [
            rollup(day=r["day"], region=r["region"], mpp=r["mpp"], metric=r["metric"], value=r["total"])
            for r in rows.iterator()
            if r["total"]
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_monthly_facts"),
    ]

    operations = [
        migrations.CreateModel(
            name="MppDailyFact",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="hari")),
                ("region", models.CharField(blank=True, max_length=4, null=True, verbose_name="kabupaten/kota")),
                ("mpp", models.IntegerField(blank=True, null=True, verbose_name="MPP")),
                ("metric", models.CharField(max_length=64, verbose_name="ukuran")),
                ("value", models.BigIntegerField(default=0, verbose_name="nilai")),
            ],
            options={
                "verbose_name": "fakta harian MPP",
                "verbose_name_plural": "fakta harian MPP",
                "indexes": [
                    models.Index(fields=["metric", "day"], name="mpp_daily_fact_metric_day"),
                    models.Index(fields=["region", "metric", "day"], name="mpp_daily_fact_region"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "region", "mpp", "metric"),
                        name="mpp_daily_fact_unique",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
