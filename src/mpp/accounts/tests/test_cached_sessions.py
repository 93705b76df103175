"""Sessions read from the cache (``cached_db``, as in production with Redis): a signed-in request
makes no session query, and every way a session is ended still refuses it on its next request while
the cache holds it (a role revoked, a password changed elsewhere, signing out)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mpp.accounts import services as account_services
from mpp.accounts.models import RoleGrant, User

from .factories import PASSWORD, load_demo
from .helpers import login_staff

pytestmark = pytest.mark.django_db

CITIZEN_NIK = "2171011508900003"
CACHED = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def cached_sessions(settings):  # the cache starts empty (conftest's _empty_cache)
    settings.SESSION_ENGINE = CACHED
    load_demo()


def _session_in_cache(client: Client) -> bool:
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    return cache.get(KEY_PREFIX + client.cookies["sessionid"].value) is not None


def test_a_signed_in_request_reads_its_session_from_the_cache(cached_sessions):
    client = Client()
    citizen = User.objects.get(nik=CITIZEN_NIK)
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    assert client.get("/akun/profil/").status_code == 200
    assert _session_in_cache(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/akun/profil/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_revoked_role_ends_the_cached_session_on_its_next_request(cached_sessions):
    officer = User.objects.get(username="petugas.dinkes")
    client = Client()
    login_staff(client, officer)
    assert client.get("/akun/kerja/").status_code == 200
    assert _session_in_cache(client)
    grant = RoleGrant.objects.get(user=officer)
    account_services.revoke_role(grant, revoked_by=User.objects.get(username="admin.dinkes"))
    assert _session_in_cache(client)  # still warm: the check is against the user's row
    response = client.get("/akun/kerja/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")
    assert not _session_in_cache(client)  # flushed, from the cache too


def test_a_password_changed_elsewhere_ends_the_cached_session(cached_sessions):
    citizen = User.objects.get(nik=CITIZEN_NIK)
    other = Client()
    other.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    assert other.get("/akun/profil/").status_code == 200
    assert _session_in_cache(other)
    client = Client()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    response = client.post(
        "/akun/sandi/ubah/",
        {"old_password": "Warga-Demo-2026", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/akun/profil/").status_code == 200  # the session that changed it stays
    assert other.get("/akun/profil/").status_code == 302


def test_a_signed_out_session_cannot_be_replayed_from_the_cache(cached_sessions):
    citizen = User.objects.get(nik=CITIZEN_NIK)
    client = Client()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    assert client.get("/akun/profil/").status_code == 200
    stolen = client.cookies["sessionid"].value
    assert client.post("/akun/keluar/").status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = stolen
    assert replay.get("/akun/profil/").status_code == 302
