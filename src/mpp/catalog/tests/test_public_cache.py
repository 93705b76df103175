"""Anonymous public pages are served from the cache, revalidated, and stale after every change.

These run against the configured cache: local memory by default, Redis when ``CACHE_URL`` is set
(CI starts a redis-server and sets it).
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import UserFactory, staff
from mpp.accounts.tests.helpers import login_staff
from mpp.catalog import selectors, services
from mpp.catalog.tests.factories import AgencyPresenceFactory, PublishedServiceFactory
from mpp.tenancy.models import OpeningHours

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.MPP_PUBLIC_CACHE_SECONDS = 300


@pytest.fixture
def service():
    presence = AgencyPresenceFactory()
    OpeningHours.objects.create(mpp=presence.mpp, weekday=0, opens="08:00", closes="16:00")
    return PublishedServiceFactory(presence=presence, name="Penerbitan akta kelahiran")


@pytest.fixture
def admin(service):
    return staff(Role.AGENCY_ADMIN, agency=service.agency)


def public_urls(service) -> list[str]:
    return [
        reverse("web:home"),
        reverse("catalog:mpp_list"),
        reverse("catalog:mpp_detail", args=[service.mpp.slug]),
        reverse("catalog:service_list"),
        reverse("catalog:search") + "?q=akta",
        reverse("catalog:service_detail", args=[service.pk]),
    ]


def page(url: str, **headers) -> str:
    response = Client(**headers).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_an_anonymous_page_is_served_from_the_cache_without_queries(
    service, django_assert_num_queries
):
    url = reverse("catalog:service_list")
    first = Client().get(url)
    assert "public" in first["Cache-Control"] and "stale-while-revalidate" in first["Cache-Control"]
    assert "Cookie" in first["Vary"] and first["ETag"] and first["Last-Modified"]
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.content == first.content and second["ETag"] == first["ETag"]


def test_an_unchanged_page_answers_304_to_its_etag(service):
    url = reverse("catalog:service_detail", args=[service.pk])
    etag = Client().get(url)["ETag"]
    response = Client().get(url, headers={"if-none-match": etag})
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag
    assert Client().get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_publishing_a_new_version_changes_every_page_that_shows_it(service, admin):
    before = {url: page(url) for url in public_urls(service)}
    draft = services.start_draft(service, actor=admin)
    content = {field: getattr(draft, field) for field in services.EDITABLE_FIELDS}
    services.update_draft(draft, actor=admin, content={**content, "name": "Akta kelahiran baru"})
    # A saved draft is not public: the pages stay as they were.
    assert "Akta kelahiran baru" not in page(reverse("catalog:service_detail", args=[service.pk]))
    services.publish_draft(selectors.draft_of(service), actor=admin)
    for url in (reverse("catalog:service_list"), reverse("catalog:search") + "?q=akta"):
        assert "Akta kelahiran baru" in page(url), url
    detail = reverse("catalog:service_detail", args=[service.pk])
    assert "Akta kelahiran baru" in page(detail) and page(detail) != before[detail]


def test_retiring_a_service_removes_it_from_the_cached_list_and_search(service, admin):
    for url in public_urls(service)[3:]:
        assert "Penerbitan akta kelahiran" in page(url), url
    services.retire_service(service, actor=admin)
    assert "Penerbitan akta kelahiran" not in page(reverse("catalog:service_list"))
    assert "Penerbitan akta kelahiran" not in page(reverse("catalog:search") + "?q=akta")
    assert "sudah dihentikan" in page(reverse("catalog:service_detail", args=[service.pk]))


def test_an_mpp_change_reaches_the_directory_and_the_service_pages(service):
    urls = public_urls(service)
    for url in urls:
        page(url)
    mpp = service.mpp
    mpp.name = "Mal Pelayanan Publik Kota Baru"
    mpp.save()
    for url in (reverse("catalog:mpp_list"), reverse("catalog:service_list")):
        assert "Mal Pelayanan Publik Kota Baru" in page(url), url
    assert "Mal Pelayanan Publik Kota Baru" in page(
        reverse("catalog:service_detail", args=[service.pk])
    )
    OpeningHours.objects.filter(mpp=mpp).get().delete()
    assert "16.00" not in page(reverse("catalog:mpp_detail", args=[mpp.slug]))


def test_an_agency_change_reaches_the_pages_that_name_it(service):
    for url in public_urls(service):
        page(url)
    agency = service.agency
    agency.name = "Dinas Kependudukan Terbarui"
    agency.save()
    assert "Dinas Kependudukan Terbarui" in page(reverse("catalog:service_list"))
    assert "Dinas Kependudukan Terbarui" in page(
        reverse("catalog:service_detail", args=[service.pk])
    )
    presence = service.mpp.presences.get()
    presence.is_active = False
    presence.save()
    assert "Dinas Kependudukan Terbarui" not in page(
        reverse("catalog:mpp_detail", args=[service.mpp.slug])
    )


def test_language_variants_are_cached_apart(service):
    url = reverse("catalog:service_list")
    indonesian = page(url)
    english = page(url, HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="id"' in indonesian and 'lang="en"' in english
    assert page(url) == indonesian
    assert page(url, HTTP_ACCEPT_LANGUAGE="en") == english
    assert page(url, HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=en") == english


def test_a_logged_in_page_is_never_served_to_another_person(service, client):
    url = reverse("catalog:service_list")
    citizen = UserFactory(name="Budi Warga Uji")
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    own = client.get(url)
    assert reverse("cases:mine") in own.content.decode()
    assert "public" not in own.get("Cache-Control", "")
    anonymous = page(url)
    assert reverse("cases:mine") not in anonymous and reverse("accounts:logout") not in anonymous
    # And the other way round: an anonymous page in the cache is not served to a logged-in officer.
    officer = Client()
    login_staff(officer, staff(Role.OFFICER, agency=service.agency, mpp=service.mpp))
    html = officer.get(url).content.decode()
    assert reverse("cases:inbox") in html and reverse("accounts:logout") in html


def test_a_page_with_a_message_waiting_is_rendered_for_that_visitor(service):
    url = reverse("catalog:service_list")
    page(url)
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    response = visitor.get(url)
    assert response.status_code == 200 and "public" not in response.get("Cache-Control", "")


def test_with_the_cache_off_pages_are_rendered_each_time_and_still_revalidate(service, settings):
    settings.MPP_PUBLIC_CACHE_SECONDS = 0
    url = reverse("catalog:service_list")
    etag = Client().get(url)["ETag"]
    service.agency.name = "Instansi Berganti Nama"
    service.agency.save()
    assert "Instansi Berganti Nama" in page(url)
    assert Client().get(url, headers={"if-none-match": etag}).status_code == 200


@pytest.mark.skipif(not os.environ.get("CACHE_URL"), reason="CACHE_URL (Redis) is not set")
def test_the_cache_is_redis_when_cache_url_is_set(service):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    page(reverse("catalog:service_list"))
    client = cache._cache.get_client(write=False)
    assert any(b"catalog:public:page:" in key for key in client.keys("*"))
