"""``User.access_stamp``: raised by triggers whenever a user's role grants or two-factor devices
change, in the writing transaction and whatever code path writes them (a service, the admin, a
queryset's ``update()`` or ``delete()``, raw SQL). A signed-in request keeps the user's grants and
devices in the cache under this stamp (``mpp.accounts.access``): the user's row is read on every
request, so a changed stamp is seen at once and the cached entry is never used again.

The stamp only rises: a ``save()`` of a user object read before the change writes the old value
back, which the database keeps at the higher one (on PostgreSQL before the row is written, on SQLite
by a second update), so an entry cached under an old stamp can never become current again.
"""

from django.db import migrations, models

WATCHED = ("accounts_rolegrant", "otp_totp_totpdevice")
RAISE = "UPDATE accounts_user SET access_stamp = access_stamp + 1 WHERE id = {row}.user_id"

POSTGRESQL_INSTALL = [
    f"""
CREATE FUNCTION accounts_raise_access_stamp() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {RAISE.format(row="OLD")};
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        {RAISE.format(row="NEW")};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE FUNCTION accounts_keep_access_stamp() RETURNS trigger AS $$
BEGIN
    NEW.access_stamp := GREATEST(NEW.access_stamp, OLD.access_stamp);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER accounts_user_keep_access_stamp BEFORE UPDATE OF access_stamp ON accounts_user "
    "FOR EACH ROW EXECUTE FUNCTION accounts_keep_access_stamp()",
    *(
        f"CREATE TRIGGER {table}_access_stamp AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION accounts_raise_access_stamp()"
        for table in WATCHED
    ),
]
POSTGRESQL_REMOVE = [
    *(f"DROP TRIGGER IF EXISTS {table}_access_stamp ON {table}" for table in WATCHED),
    "DROP FUNCTION IF EXISTS accounts_raise_access_stamp()",
    "DROP TRIGGER IF EXISTS accounts_user_keep_access_stamp ON accounts_user",
    "DROP FUNCTION IF EXISTS accounts_keep_access_stamp()",
]

SQLITE_INSTALL = [
    "CREATE TRIGGER accounts_user_keep_access_stamp AFTER UPDATE OF access_stamp ON accounts_user "
    "WHEN NEW.access_stamp < OLD.access_stamp BEGIN "
    "UPDATE accounts_user SET access_stamp = OLD.access_stamp WHERE id = NEW.id; END",
    *(
        statement
        for table in WATCHED
        for statement in (
            f"CREATE TRIGGER {table}_access_stamp_insert AFTER INSERT ON {table} "
            f"BEGIN {RAISE.format(row='NEW')}; END",
            f"CREATE TRIGGER {table}_access_stamp_delete AFTER DELETE ON {table} "
            f"BEGIN {RAISE.format(row='OLD')}; END",
            f"CREATE TRIGGER {table}_access_stamp_update AFTER UPDATE ON {table} "
            f"BEGIN {RAISE.format(row='OLD')}; END",
            f"CREATE TRIGGER {table}_access_stamp_move AFTER UPDATE OF user_id ON {table} "
            f"WHEN NEW.user_id IS NOT OLD.user_id BEGIN {RAISE.format(row='NEW')}; END",
        )
    ),
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS accounts_user_keep_access_stamp",
    *(
        f"DROP TRIGGER IF EXISTS {table}_access_stamp_{name}"
        for table in WATCHED
        for name in ("insert", "delete", "update", "move")
    ),
]


def _run(schema_editor, postgresql: list[str], sqlite: list[str]) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in postgresql if connection.vendor == "postgresql" else sqlite:
            cursor.execute(statement)


def install_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_INSTALL, SQLITE_INSTALL)


def remove_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_REMOVE, SQLITE_REMOVE)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_oidc_identity"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="access_stamp",
            field=models.BigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
