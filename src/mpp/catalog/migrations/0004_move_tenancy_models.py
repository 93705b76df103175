"""MPP, OpeningHours, Agency and AgencyPresence moved to the ``tenancy`` app.

Their tables keep their ``catalog_*`` names, so the database does not change: the service's foreign
keys are re-pointed at the same tables and the four models leave catalog's migration state only.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_tenancy_foreign_keys'),
        ('cases', '0002_tenancy_foreign_keys'),
        ('catalog', '0003_published_name_index'),
        ('documents', '0003_tenancy_foreign_keys'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='service',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='tenancy.agency'),
        ),
        migrations.AlterField(
            model_name='service',
            name='mpp',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='tenancy.mpp'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='agency',
                    name='mpps',
                ),
                migrations.RemoveField(
                    model_name='agency',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='agencypresence',
                    name='agency',
                ),
                migrations.RemoveField(
                    model_name='agencypresence',
                    name='mpp',
                ),
                migrations.RemoveField(
                    model_name='mpp',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='openinghours',
                    name='mpp',
                ),
                migrations.DeleteModel(
                    name='Agency',
                ),
                migrations.DeleteModel(
                    name='AgencyPresence',
                ),
                migrations.DeleteModel(
                    name='OpeningHours',
                ),
                migrations.DeleteModel(
                    name='MPP',
                ),
            ],
            database_operations=[],
        ),
    ]
