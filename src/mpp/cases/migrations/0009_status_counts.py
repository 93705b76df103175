"""Counts of applications per unit and status, kept by triggers in the writing transaction.

The triggers count every insert, status or unit change and delete of ``cases_application`` (drafts
excepted), whatever code path writes it; a bulk load that disables triggers
(``session_replication_role = replica``) is repaired by ``manage.py recount_statuses --fix``.
On PostgreSQL the two counter rows of a move are locked in the order of their status, so two
opposite moves in one unit cannot deadlock.
"""

import django.db.models.deletion
from django.db import migrations, models


POSTGRESQL_INSTALL = """
CREATE FUNCTION cases_application_status_count() RETURNS trigger AS $$
DECLARE
    moves text[][];
    move text[];
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.mpp_id = NEW.mpp_id
            AND OLD.agency_id = NEW.agency_id THEN
        RETURN NULL;
    END IF;
    -- (status, mpp, agency, delta) of each counter row the change moves, in status order.
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'draft' THEN
        moves := moves || ARRAY[[OLD.status, OLD.mpp_id::text, OLD.agency_id::text, '-1']];
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status <> 'draft' THEN
        IF moves IS NOT NULL AND NEW.status < OLD.status THEN
            moves := ARRAY[[NEW.status, NEW.mpp_id::text, NEW.agency_id::text, '1']] || moves;
        ELSE
            moves := moves || ARRAY[[NEW.status, NEW.mpp_id::text, NEW.agency_id::text, '1']];
        END IF;
    END IF;
    IF moves IS NULL THEN
        RETURN NULL;
    END IF;
    FOREACH move SLICE 1 IN ARRAY moves LOOP
        INSERT INTO cases_statuscount (status, mpp_id, agency_id, total)
        VALUES (move[1], move[2]::bigint, move[3]::bigint, move[4]::bigint)
        ON CONFLICT (mpp_id, agency_id, status)
        DO UPDATE SET total = cases_statuscount.total + EXCLUDED.total;
    END LOOP;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_application_status_count
AFTER INSERT OR DELETE OR UPDATE OF status, mpp_id, agency_id ON cases_application
FOR EACH ROW EXECUTE FUNCTION cases_application_status_count();
"""

POSTGRESQL_REMOVE = """
DROP TRIGGER IF EXISTS cases_application_status_count ON cases_application;
DROP FUNCTION IF EXISTS cases_application_status_count();
"""

_SQLITE_ADD = """
INSERT INTO cases_statuscount (status, mpp_id, agency_id, total)
VALUES (NEW.status, NEW.mpp_id, NEW.agency_id, 1)
ON CONFLICT (mpp_id, agency_id, status) DO UPDATE SET total = total + 1;
"""
_SQLITE_TAKE = """
UPDATE cases_statuscount SET total = total - 1
WHERE mpp_id = OLD.mpp_id AND agency_id = OLD.agency_id AND status = OLD.status;
"""
_SQLITE_MOVED = (
    "(OLD.status <> NEW.status OR OLD.mpp_id <> NEW.mpp_id OR OLD.agency_id <> NEW.agency_id)"
)
SQLITE_INSTALL = [
    "CREATE TRIGGER cases_application_status_count_insert AFTER INSERT ON cases_application "
    f"WHEN NEW.status <> 'draft' BEGIN {_SQLITE_ADD} END",
    "CREATE TRIGGER cases_application_status_count_delete AFTER DELETE ON cases_application "
    f"WHEN OLD.status <> 'draft' BEGIN {_SQLITE_TAKE} END",
    "CREATE TRIGGER cases_application_status_count_leave "
    "AFTER UPDATE OF status, mpp_id, agency_id ON cases_application "
    f"WHEN OLD.status <> 'draft' AND {_SQLITE_MOVED} BEGIN {_SQLITE_TAKE} END",
    "CREATE TRIGGER cases_application_status_count_enter "
    "AFTER UPDATE OF status, mpp_id, agency_id ON cases_application "
    f"WHEN NEW.status <> 'draft' AND {_SQLITE_MOVED} BEGIN {_SQLITE_ADD} END",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS cases_application_status_count_{name}"
    for name in ("insert", "delete", "leave", "enter")
]

BACKFILL = """
INSERT INTO cases_statuscount (status, mpp_id, agency_id, total)
SELECT status, mpp_id, agency_id, COUNT(*) FROM cases_application
WHERE status <> 'draft' GROUP BY status, mpp_id, agency_id
"""


def _run(schema_editor, postgresql: list[str], sqlite: list[str]) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in postgresql if connection.vendor == "postgresql" else sqlite:
            cursor.execute(statement)


def install_triggers(apps, schema_editor):
    _run(schema_editor, [POSTGRESQL_INSTALL, BACKFILL], [*SQLITE_INSTALL, BACKFILL])


def remove_triggers(apps, schema_editor):
    _run(schema_editor, [POSTGRESQL_REMOVE], SQLITE_REMOVE)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_clock_unit_calendar_days'),
        ('tenancy', '0005_agency_kind_inspectorate'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatusCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=32, verbose_name='status')),
                ('total', models.BigIntegerField(default=0, verbose_name='jumlah')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.agency')),
                ('mpp', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.mpp')),
            ],
            options={
                'verbose_name': 'jumlah per status',
                'verbose_name_plural': 'jumlah per status',
                'constraints': [models.UniqueConstraint(fields=('mpp', 'agency', 'status'), name='application_status_count_unique')],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
        migrations.RemoveIndex(
            model_name='application',
            name='application_inbox',
        ),
        migrations.RemoveIndex(
            model_name='application',
            name='application_open_due',
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['agency', 'mpp', 'status', 'due_at', '-id'], name='application_inbox_page'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('status__in', ('submitted', 'in_review', 'revision_requested', 'approved'))), fields=['agency', 'mpp', 'due_at', '-id'], name='application_open_page'),
        ),
    ]
