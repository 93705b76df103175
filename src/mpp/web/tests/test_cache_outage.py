"""Redis away (restarted, unreachable): pages are served cold, nothing answers 5xx, and what must
not pass without the cache (a rate count, a one-time nonce) is refused."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from mpp.accounts.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db
AWAY = {
    "default": {
        "BACKEND": "mpp.web.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: every call is refused
        "KEY_PREFIX": "mpp",
    }
}


@pytest.fixture
def redis_away(settings):
    settings.CACHES = AWAY
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return cache


def test_reads_miss_and_writes_are_dropped(redis_away, caplog):
    redis_away.set("a", 1)
    assert redis_away.get("a", "missed") == "missed"
    assert redis_away.get_or_set("b", 2) == 2
    assert redis_away.add("nonce", 1) is False  # a one-time nonce cannot be spent: refused
    with pytest.raises(ValueError):  # a count cannot be kept: as for a missing key
        redis_away.incr("count")
    assert redis_away.delete("a") is False
    assert "cache unavailable: get failed (ConnectionError)" in caplog.text
    assert "nonce" not in caplog.text  # operations are logged, never keys


def test_public_and_signed_in_pages_are_served_cold(client, redis_away):
    assert client.get("/").status_code == 200
    assert client.get(reverse("catalog:service_list")).status_code == 200
    citizen = CitizenFactory()
    client.force_login(citizen)  # the session is written to the database, the cache copy dropped
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200 and citizen.name in page.content.decode()


def test_signing_in_still_works_and_a_wrong_password_is_told(client, redis_away):
    citizen = CitizenFactory(email="warga@example.id")
    citizen.set_password("kata-sandi-panjang-1")
    citizen.save()
    wrong = client.post(reverse("accounts:login"), {"username": citizen.nik, "password": "salah"})
    assert wrong.status_code == 200
    assert "NIK/nama pengguna atau kata sandi salah" in wrong.content.decode()
    right = client.post(
        reverse("accounts:login"), {"username": citizen.nik, "password": "kata-sandi-panjang-1"}
    )
    assert right.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_one_redis_client_serves_every_operation_and_still_fails_closed(settings):
    """``ReusedClients``: Django built a ``redis.Redis`` (copying redis-py's ~170 reply handlers)
    for each operation; one kept client serves reads and writes, misses while Redis is away and
    reads what it wrote when Redis is there."""
    import os

    from django.core.cache import caches

    settings.CACHES = AWAY
    away = caches["default"]
    assert away._cache.get_client() is away._cache.get_client(write=True)
    assert away.get("a", "missed") == "missed"
    url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("no Redis to come back: CI starts one (CACHE_URL)")
    settings.CACHES = {**AWAY, "default": {**AWAY["default"], "LOCATION": url}}
    back = caches["default"]
    client = back._cache.get_client()
    back.set("reused", 1)
    assert back.get("reused") == 1 and back._cache.get_client() is client
    back.delete("reused")
