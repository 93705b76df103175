"""The tenancy models, moved from ``catalog``: state only, their ``catalog_*`` tables already exist."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('catalog', '0003_published_name_index'),
        ('regions', '0003_calendar_override'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Agency',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='nama')),
                        ('short_name', models.CharField(blank=True, max_length=60, verbose_name='nama singkat')),
                        ('slug', models.SlugField(max_length=200, unique=True, verbose_name='slug')),
                        ('kind', models.CharField(choices=[('central', 'Instansi pusat/vertikal'), ('provincial', 'Perangkat daerah provinsi'), ('regional', 'Perangkat daerah kabupaten/kota'), ('bumn', 'BUMN'), ('bumd', 'BUMD'), ('private', 'Swasta')], max_length=20, verbose_name='jenis instansi')),
                        ('description', models.TextField(blank=True, verbose_name='keterangan')),
                        ('region', models.ForeignKey(help_text='Kabupaten/kota tempat kantor instansi ini berada.', on_delete=django.db.models.deletion.PROTECT, related_name='agencies', to='regions.region', verbose_name='wilayah asal')),
                    ],
                    options={
                        'verbose_name': 'instansi',
                        'verbose_name_plural': 'instansi',
                        'db_table': 'catalog_agency',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='MPP',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='nama')),
                        ('slug', models.SlugField(max_length=200, unique=True, verbose_name='slug')),
                        ('address', models.TextField(blank=True, verbose_name='alamat')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True)),
                        ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True)),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='telepon')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='surel')),
                        ('is_active', models.BooleanField(default=True, verbose_name='aktif')),
                        ('facilities', models.JSONField(blank=True, default=list, help_text='Kode fasilitas dari daftar Facility, misalnya ramp atau ruang laktasi.', verbose_name='fasilitas')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='mpps', to='regions.region')),
                    ],
                    options={
                        'verbose_name': 'MPP',
                        'verbose_name_plural': 'MPP',
                        'db_table': 'catalog_mpp',
                        'ordering': ['region_id', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='AgencyPresence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('is_active', models.BooleanField(default=True, verbose_name='aktif')),
                        ('counters', models.CharField(blank=True, help_text='Nomor loket instansi di MPP ini, misalnya “Loket 1–4”.', max_length=100, verbose_name='loket')),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='presences', to='tenancy.agency')),
                        ('mpp', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='presences', to='tenancy.mpp')),
                    ],
                    options={
                        'verbose_name': 'kehadiran instansi di MPP',
                        'verbose_name_plural': 'kehadiran instansi di MPP',
                        'db_table': 'catalog_agencypresence',
                    },
                ),
                migrations.AddField(
                    model_name='agency',
                    name='mpps',
                    field=models.ManyToManyField(related_name='agencies', through='tenancy.AgencyPresence', to='tenancy.mpp'),
                ),
                migrations.CreateModel(
                    name='OpeningHours',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Senin'), (1, 'Selasa'), (2, 'Rabu'), (3, 'Kamis'), (4, 'Jumat'), (5, 'Sabtu'), (6, 'Minggu')], verbose_name='hari')),
                        ('opens', models.TimeField(verbose_name='buka')),
                        ('closes', models.TimeField(verbose_name='tutup')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='catatan')),
                        ('mpp', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opening_hours', to='tenancy.mpp')),
                    ],
                    options={
                        'verbose_name': 'jam layanan',
                        'verbose_name_plural': 'jam layanan',
                        'db_table': 'catalog_openinghours',
                        'ordering': ['mpp_id', 'weekday', 'opens'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='agencypresence',
                    constraint=models.UniqueConstraint(fields=('agency', 'mpp'), name='unique_agency_presence'),
                ),
                migrations.AddConstraint(
                    model_name='openinghours',
                    constraint=models.UniqueConstraint(fields=('mpp', 'weekday'), name='unique_opening_hours_day'),
                ),
                migrations.AddConstraint(
                    model_name='openinghours',
                    constraint=models.CheckConstraint(condition=models.Q(('closes__gt', models.F('opens'))), name='opening_hours_order'),
                ),
            ],
            database_operations=[],
        ),
    ]
