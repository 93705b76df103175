"""The complaint manager's statistics per agency, kept by triggers in the writing transaction.

The triggers count every insert, delete and change of a complaint's agency, MPP, kab/kota,
submission or answer time, on-time flag or escalation level, whatever code path writes it (a
complaint without an agency is not counted); the rows are built from the complaints already there.
A bulk load that disables triggers (``session_replication_role = replica``) is repaired by
``manage.py recount_complaint_stats --fix``. On PostgreSQL the counter rows one change touches
(two when a complaint moves to another agency) are written in the order of their key, so two
opposite moves cannot deadlock. A row is inserted only by a complaint entering it: one leaving
updates it (a test database's flush deletes counters, complaints and agencies in any order).
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "complaints_agencycomplaintcount"
KEY = "agency_id, mpp_id, region_id"
FIGURES = ("received", "answered", "answered_on_time", "escalated", "response_microseconds")
WATCHED = (
    "agency_id, mpp_id, region_id, submitted_at, answered_at, answered_on_time, escalation_level"
)


def _postgresql_response(row: str) -> str:
    return f"(EXTRACT(EPOCH FROM {row}.answered_at - {row}.submitted_at) * 1000000)::bigint"


def _sqlite_response(row: str) -> str:
    # Django writes a datetime as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC: whole seconds from the
    # first 19 characters (strftime would round the fraction), microseconds from the rest.
    def micro(column: str) -> str:
        return f"CAST(substr(substr({column}, 21) || '000000', 1, 6) AS INTEGER)"

    answered, submitted = f"{row}.answered_at", f"{row}.submitted_at"
    return (
        f"((strftime('%s', substr({answered}, 1, 19)) - strftime('%s', substr({submitted}, 1, 19)))"
        f" * 1000000 + {micro(answered)} - {micro(submitted)})"
    )


def _figures(row: str, response) -> list[str]:
    """What one complaint (``row``: NEW, OLD or a table alias) adds to each figure."""
    return [
        "1",
        f"CASE WHEN {row}.answered_at IS NOT NULL THEN 1 ELSE 0 END",
        f"CASE WHEN {row}.answered_on_time THEN 1 ELSE 0 END",
        f"CASE WHEN {row}.escalation_level > 0 THEN 1 ELSE 0 END",
        f"CASE WHEN {row}.answered_at IS NOT NULL THEN {response(row)} ELSE 0 END",
    ]


def _signed(row: str, sign: str, response) -> str:
    return ", ".join(f"{sign}({figure})" for figure in _figures(row, response))


_ADD_UP = ", ".join(f"{name} = {TABLE}.{name} + EXCLUDED.{name}" for name in FIGURES)

POSTGRESQL_INSTALL = f"""
CREATE FUNCTION complaints_agency_count() RETURNS trigger AS $$
DECLARE
    change record;
BEGIN
    IF TG_OP = 'UPDATE' AND ROW({", ".join(f"OLD.{c}" for c in WATCHED.split(", "))})
            IS NOT DISTINCT FROM ROW({", ".join(f"NEW.{c}" for c in WATCHED.split(", "))}) THEN
        RETURN NULL;
    END IF;
    -- The counter rows the change touches, in key order; a row that only loses a complaint is
    -- updated, never inserted (as on SQLite).
    FOR change IN
        SELECT {KEY}, {", ".join(f"sum({name}) AS {name}" for name in FIGURES)}
        FROM (
            SELECT OLD.agency_id, OLD.mpp_id, OLD.region_id,
                {_signed("OLD", "-", _postgresql_response)}
            WHERE TG_OP <> 'INSERT' AND OLD.agency_id IS NOT NULL
            UNION ALL
            SELECT NEW.agency_id, NEW.mpp_id, NEW.region_id,
                {_signed("NEW", "", _postgresql_response)}
            WHERE TG_OP <> 'DELETE' AND NEW.agency_id IS NOT NULL
        ) AS delta ({KEY}, {", ".join(FIGURES)})
        GROUP BY {KEY}
        ORDER BY {KEY}
    LOOP
        IF change.received < 0 THEN
            UPDATE {TABLE} SET {", ".join(f"{name} = {name} + change.{name}" for name in FIGURES)}
            WHERE agency_id = change.agency_id AND mpp_id = change.mpp_id
                AND region_id = change.region_id;
        ELSE
            INSERT INTO {TABLE} ({KEY}, {", ".join(FIGURES)})
            VALUES (change.agency_id, change.mpp_id, change.region_id,
                {", ".join(f"change.{name}" for name in FIGURES)})
            ON CONFLICT ({KEY}) DO UPDATE SET {_ADD_UP};
        END IF;
    END LOOP;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER complaints_agency_count
AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON complaints_complaint
FOR EACH ROW EXECUTE FUNCTION complaints_agency_count();
"""

POSTGRESQL_REMOVE = """
DROP TRIGGER IF EXISTS complaints_agency_count ON complaints_complaint;
DROP FUNCTION IF EXISTS complaints_agency_count();
"""


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO {TABLE} ({KEY}, {', '.join(FIGURES)}) "
        f"VALUES ({row}.agency_id, {row}.mpp_id, {row}.region_id, "
        f"{_signed(row, '', _sqlite_response)}) "
        f"ON CONFLICT ({KEY}) DO UPDATE SET {_ADD_UP};"
    )


def _sqlite_take(row: str) -> str:
    # An UPDATE, never an insert: a flush of the test database deletes the counters, the
    # complaints and the agencies in any order, and a row written back would break a foreign key.
    figures = _figures(row, _sqlite_response)
    taken = ", ".join(f"{name} = {name} - ({figure})" for name, figure in zip(FIGURES, figures))
    return (
        f"UPDATE {TABLE} SET {taken} WHERE agency_id = {row}.agency_id "
        f"AND mpp_id = {row}.mpp_id AND region_id = {row}.region_id;"
    )


_SQLITE_CHANGED = "(" + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED.split(", ")) + ")"
SQLITE_INSTALL = [
    "CREATE TRIGGER complaints_agency_count_insert AFTER INSERT ON complaints_complaint "
    f"WHEN NEW.agency_id IS NOT NULL BEGIN {_sqlite_add('NEW')} END",
    "CREATE TRIGGER complaints_agency_count_delete AFTER DELETE ON complaints_complaint "
    f"WHEN OLD.agency_id IS NOT NULL BEGIN {_sqlite_take('OLD')} END",
    f"CREATE TRIGGER complaints_agency_count_leave AFTER UPDATE OF {WATCHED} "
    f"ON complaints_complaint WHEN OLD.agency_id IS NOT NULL AND {_SQLITE_CHANGED} "
    f"BEGIN {_sqlite_take('OLD')} END",
    f"CREATE TRIGGER complaints_agency_count_enter AFTER UPDATE OF {WATCHED} "
    f"ON complaints_complaint WHEN NEW.agency_id IS NOT NULL AND {_SQLITE_CHANGED} "
    f"BEGIN {_sqlite_add('NEW')} END",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS complaints_agency_count_{name}"
    for name in ("insert", "delete", "leave", "enter")
]


def _backfill(response) -> str:
    sums = ", ".join(f"SUM({figure})" for figure in _figures("c", response))
    return (
        f"INSERT INTO {TABLE} ({KEY}, {', '.join(FIGURES)}) "
        f"SELECT c.agency_id, c.mpp_id, c.region_id, {sums} FROM complaints_complaint c "
        "WHERE c.agency_id IS NOT NULL GROUP BY c.agency_id, c.mpp_id, c.region_id"
    )


def _run(schema_editor, postgresql: list[str], sqlite: list[str]) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in postgresql if connection.vendor == "postgresql" else sqlite:
            cursor.execute(statement)


def install_triggers(apps, schema_editor):
    _run(
        schema_editor,
        [POSTGRESQL_INSTALL, _backfill(_postgresql_response)],
        [*SQLITE_INSTALL, _backfill(_sqlite_response)],
    )


def remove_triggers(apps, schema_editor):
    _run(schema_editor, [POSTGRESQL_REMOVE], SQLITE_REMOVE)



class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0007_guestconfirmation_moved'),
        ('regions', '0003_calendar_override'),
        ('tenancy', '0005_agency_kind_inspectorate'),
    ]

    operations = [
        migrations.CreateModel(
            name='AgencyComplaintCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received', models.BigIntegerField(default=0, verbose_name='diterima')),
                ('answered', models.BigIntegerField(default=0, verbose_name='ditanggapi')),
                ('answered_on_time', models.BigIntegerField(default=0, verbose_name='ditanggapi tepat waktu')),
                ('escalated', models.BigIntegerField(default=0, verbose_name='dieskalasi')),
                ('response_microseconds', models.BigIntegerField(default=0, verbose_name='jumlah lama tanggapan (mikrodetik)')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.agency')),
                ('mpp', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.mpp')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region')),
            ],
            options={
                'verbose_name': 'statistik pengaduan per instansi',
                'verbose_name_plural': 'statistik pengaduan per instansi',
                'constraints': [models.UniqueConstraint(fields=('agency', 'mpp', 'region'), name='complaint_agency_count_unique')],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
