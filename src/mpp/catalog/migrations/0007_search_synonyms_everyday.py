"""More of the words people type for services (issue 23, "search a person's words"): added to the
ministry's synonym table, which the back office keeps from here on."""

from django.db import migrations

SYNONYMS = [
    ("pirt", "spp irt"),
    ("sppirt", "spp irt"),
    ("akte", "akta"),
    ("ktpel", "KTP-el"),
    ("domisili", "pindah"),
]


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    for term, expansion in SYNONYMS:
        SearchSynonym.objects.get_or_create(term=term, defaults={"expansion": expansion})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_serviceversion_document_template")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
