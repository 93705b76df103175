"""Search: ranked, filterable, never an error whatever is typed (SQLite fallback and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mpp.catalog.selectors import ServiceFilters, search_page, search_services, search_terms
from mpp.catalog.tests.factories import (
    AgencyPresenceFactory,
    PublishedServiceFactory,
)

pytestmark = pytest.mark.django_db

ODD_INPUTS = [
    "",
    "   ",
    "a" * 10_000,
    "akta " * 2_000,
    "'; DROP TABLE catalog_service; --",
    "akta' OR '1'='1",
    "<script>alert(1)</script>",
    "akta & | ! ( ) : * kelahiran",
    "100% _ \\ %%",
    "😀🎉 akta",
    "😀",
    "akta\x00kelahiran",
    "\x00",
    "ＡＫＴＡ",
    "ŝpeçiäl ünïcödé",
]


@pytest.fixture
def catalog():
    presence = AgencyPresenceFactory()
    akta = PublishedServiceFactory(
        presence=presence,
        name="Penerbitan akta kelahiran",
        published__requirements=["Surat keterangan kelahiran", "Kartu Keluarga"],
    )
    skck = PublishedServiceFactory(
        presence=presence,
        name="Penerbitan SKCK",
        category="kepolisian",
        channel="counter",
        fee=30000,
        published__requirements=["KTP-el", "Akta kelahiran atau ijazah"],
    )
    paspor = PublishedServiceFactory(
        name="Paspor baru", category="keimigrasian", fee=650000, channel="online"
    )
    return {"akta": akta, "skck": skck, "paspor": paspor, "presence": presence}


def search(**kwargs):
    return list(search_services(ServiceFilters(**kwargs)))


def test_name_matches_rank_above_requirement_matches(catalog):
    assert search(query="akta kelahiran") == [catalog["akta"], catalog["skck"]]


def test_prefixes_and_case_are_ignored(catalog):
    assert search(query="KELAHIR")[0] == catalog["akta"]


def test_every_word_must_match(catalog):
    assert search(query="akta paspor") == []


def test_filters_narrow_the_results(catalog):
    assert search(query="akta", free_only=True) == [catalog["akta"]]
    assert search(category="kepolisian") == [catalog["skck"]]
    assert search(channel="online") == [catalog["paspor"], catalog["akta"]]
    assert set(search(channel="counter")) == {catalog["akta"], catalog["skck"]}
    assert set(search(mpp_id=catalog["presence"].mpp_id, query="penerbitan")) == {
        catalog["akta"],
        catalog["skck"],
    }


def test_search_page_counts_ranks_and_answers_past_the_end(catalog):
    first = search_page(ServiceFilters(query="akta"), 1, 1)
    assert (first.paginator.count, list(first)) == (2, [catalog["akta"]])
    past_the_end = search_page(ServiceFilters(query="akta"), 9, 1)
    assert (past_the_end.number, list(past_the_end)) == (2, [catalog["skck"]])
    assert search_page(ServiceFilters(query="zzzz"), 3, 1).paginator.count == 0


@pytest.mark.parametrize("query", ODD_INPUTS)
def test_any_input_returns_results_or_nothing(catalog, query, client):
    results = search(query=query)
    assert isinstance(results, list)
    response = client.get(reverse("catalog:search"), {"q": query})
    api = client.get("/api/v1/services", {"q": query})
    if "\x00" in query:  # control characters are refused at the edge, with a message
        assert response.status_code == 400 and "karakter kendali" in response.content.decode()
        assert api.status_code == 422 and "karakter kendali" in api.json()["detail"]
        return
    assert response.status_code == 200
    assert api.status_code == 200
    assert len(api.json()["items"]) == min(len(results), 25)


def test_query_terms_are_bounded():
    assert len(search_terms("kata " * 5000 + " ".join(f"w{i}" for i in range(50)))) <= 8
    assert search_terms("akta\x00kelahiran") == ["akta", "kelahiran"]
    assert search_terms(None) == []


def test_sql_and_html_are_shown_as_text(catalog, client):
    response = client.get(reverse("catalog:search"), {"q": "<script>alert(1)</script>"})
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


@pytest.mark.parametrize("count", [3, 25])
def test_search_page_queries_do_not_grow_with_rows(count, client, django_assert_max_num_queries):
    presence = AgencyPresenceFactory()
    PublishedServiceFactory.create_batch(count, presence=presence, name="Layanan perizinan")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalog:search"), {"q": "perizinan"})
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalog:service_list"))
    assert response.status_code == 200
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/services", {"q": "perizinan", "page_size": 100})
    assert len(response.json()["items"]) == count
