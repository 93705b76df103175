"""A signed-in request reads its user's role grants and two-factor devices from the cache
(``mpp.accounts.access``) under ``User.access_stamp``, and every way those rows can change — a
service, a queryset's ``update()`` or ``delete()``, raw SQL — is seen on the very next request while
the cache holds the old entry, on PostgreSQL and SQLite alike (the stamp is raised by triggers)."""

from __future__ import annotations

import pickle

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts import services as account_services
from mpp.accounts.models import Role, RoleGrant, User

from .factories import load_demo
from .helpers import login_staff

pytestmark = pytest.mark.django_db

INBOX = "/kelola/permohonan/"


@pytest.fixture
def officer_client():
    load_demo()
    officer = User.objects.get(username="petugas.dinkes")
    client = Client()
    login_staff(client, officer)
    assert client.get(INBOX).status_code == 200  # the entry is now in the cache
    return officer, client


def _stamp(user: User) -> int:
    return User.objects.values_list("access_stamp", flat=True).get(pk=user.pk)


def _tables_read(client: Client, path: str) -> tuple[int, set[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return status, {t for t in ("accounts_rolegrant", "otp_totp_totpdevice") if t in sql}


def test_the_cache_holds_no_totp_secret(officer_client):
    officer, _ = officer_client
    device = TOTPDevice.objects.get(user=officer)
    cached = cache.get(f"accounts:access:{officer.pk}:{_stamp(officer)}")
    assert cached is not None
    assert cached.grants
    assert device.key not in pickle.dumps(cached).decode("latin-1")


def test_a_warm_request_reads_no_grant_and_no_device(officer_client):
    _, client = officer_client
    status, read = _tables_read(client, INBOX)
    assert status == 200
    assert read == set()


def test_a_grant_revoked_by_a_bare_update_takes_effect_on_the_next_request(officer_client):
    officer, client = officer_client
    before = _stamp(officer)
    # Not through the service: no session is ended, only the trigger sees the change.
    RoleGrant.objects.filter(user=officer).update(revoked_at=timezone.now())
    assert _stamp(officer) > before
    status, read = _tables_read(client, INBOX)
    assert status == 403
    assert "accounts_rolegrant" in read


def test_a_grant_deleted_takes_effect_on_the_next_request(officer_client):
    officer, client = officer_client
    RoleGrant.objects.filter(user=officer).delete()
    assert client.get(INBOX).status_code == 403


def test_a_role_granted_is_seen_on_the_next_request(officer_client):
    officer, client = officer_client
    grant = RoleGrant.objects.get(user=officer)
    assert client.get(f"/kelola/dasbor/mpp/{grant.mpp_id}/").status_code == 403
    with connection.cursor() as cursor:  # raw SQL: the trigger still raises the stamp
        cursor.execute(
            "INSERT INTO accounts_rolegrant (user_id, role, mpp_id, granted_at) "
            "VALUES (%s, %s, %s, %s)",
            [officer.pk, Role.MPP_MANAGER, grant.mpp_id, timezone.now()],
        )
    assert client.get(f"/kelola/dasbor/mpp/{grant.mpp_id}/").status_code == 200


def test_a_removed_device_asks_for_two_factor_again(officer_client):
    officer, client = officer_client
    TOTPDevice.objects.filter(user=officer).delete()
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"] == "/akun/2fa/atur/"


def test_an_unconfirmed_device_no_longer_passes(officer_client):
    officer, client = officer_client
    TOTPDevice.objects.filter(user=officer).update(confirmed=False)
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/2fa/")


def test_saving_a_user_read_before_a_change_never_lowers_the_stamp(officer_client):
    officer, _ = officer_client
    stale = User.objects.get(pk=officer.pk)
    grant = RoleGrant.objects.get(user=officer)
    account_services.revoke_role(grant, revoked_by=User.objects.get(username="admin.dinkes"))
    raised = _stamp(officer)
    assert raised > stale.access_stamp
    stale.first_name = "Baru"
    stale.save()  # writes the old stamp back
    assert _stamp(officer) == raised
