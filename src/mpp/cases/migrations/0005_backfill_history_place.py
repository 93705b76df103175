"""Copy each application's region, MPP and agency onto its existing workflow history rows.

A one-off fill of the new columns (the history stays append-only for everything else): reports
then count transitions of every process without joining each process's table.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast
from django.db.models import CharField


def backfill(apps, schema_editor):
    Application = apps.get_model("cases", "Application")
    TransitionRecord = apps.get_model("workflows", "TransitionRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="cases", model="application").first()
    if content_type is None:
        return
    source = Application.objects.annotate(key=Cast("pk", CharField())).filter(
        key=OuterRef("object_id")
    )
    TransitionRecord.objects.filter(content_type=content_type, mpp__isnull=True).update(
        region_id=Subquery(source.values("mpp__region_id")[:1]),
        mpp_id=Subquery(source.values("mpp_id")[:1]),
        agency_id=Subquery(source.values("agency_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_deadline_clock"),
        ("workflows", "0003_history_place"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
