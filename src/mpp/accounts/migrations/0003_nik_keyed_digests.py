"""NIKs once stored as plain SHA-256 prefixes become keyed digests (MPP_NIK_PEPPER).

Lockout entries named ``nik:<sha256>`` cannot be re-keyed without the NIK and last minutes anyway:
they are deleted. Counter light records were named ``warga-<sha256>``; their NIK is on the row, so
they are renamed under the keyed digest.
"""

import hashlib

from django.db import migrations


def forwards(apps, schema_editor):
    from mpp.accounts.nik import nik_digest

    for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
        apps.get_model("axes", name).objects.filter(username__startswith="nik:").delete()
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(username__startswith="warga-", nik__isnull=False).iterator():
        if user.username == "warga-" + hashlib.sha256(user.nik.encode()).hexdigest()[:12]:
            user.username = "warga-" + nik_digest(user.nik)[:16]
            user.save(update_fields=["username"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_tenancy_foreign_keys"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
