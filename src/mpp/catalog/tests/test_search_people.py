"""Search as people write: stems, synonyms, English names, name-first ranking, suggestions
(run on SQLite and on PostgreSQL, where typo tolerance uses pg_trgm)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mpp.catalog import search, services
from mpp.catalog.models import SearchSynonym, Service
from mpp.catalog.selectors import ServiceFilters, search_page, search_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(request, demo_tenancy_once, settings, tmp_path):
    demo_tenancy_once.for_test(request, settings, tmp_path)


def names(query: str) -> list[str]:
    return [Service.objects.get(pk=s.pk).name for s in search_services(ServiceFilters(query=query))]


def test_the_migration_seeds_the_everyday_synonyms():
    table = dict(SearchSynonym.objects.values_list("term", "expansion"))
    assert table["akte"] == "akta"
    assert table["ktp"] == "KTP-el"
    assert table["kk"] == "kartu keluarga"


def test_everyday_spelling_finds_the_birth_certificate_first(demo):
    found = names("akte lahir")
    assert found[0] == "Penerbitan akta kelahiran"
    assert "Penerbitan akta kematian" not in found[:2]


def test_ktp_hilang_ranks_the_lost_card_replacement_first(demo):
    assert names("ktp hilang")[0] == "Penggantian KTP-el karena hilang"


def test_ktp_alone_ranks_services_named_ktp_above_those_that_only_require_it(demo):
    found = names("ktp")
    named = [n for n in found if "KTP-el" in n]
    assert len(named) >= 3
    assert found[: len(named)] == named
    assert "Aktivasi EFIN" in found[len(named) :]


def test_english_queries_match_english_names(demo):
    assert names("birth certificate")[0] == "Penerbitan akta kelahiran"
    assert names("passport")[0].startswith(("Penerbitan paspor", "Penggantian paspor"))


def test_a_synonym_for_a_phrase_requires_all_its_words(demo):
    assert names("kk")[0].startswith(("Penerbitan Kartu Keluarga", "Perubahan data Kartu"))


def test_stems_match_other_forms_of_a_word(demo):
    # "terbit" is the root of "penerbitan"; "kelahiran" reaches "lahir" and back.
    assert "Penerbitan akta kelahiran" in names("terbit akta")
    assert names("kelahiran")[0] == "Penerbitan akta kelahiran"


def test_a_new_synonym_from_the_back_office_applies_at_once(demo):
    assert names("lairan akta") == []
    services.save_synonym(actor=services.SYSTEM, term="Lairan", expansion="kelahiran")
    assert names("lairan akta")[0] == "Penerbitan akta kelahiran"


def test_a_synonym_term_must_be_one_word():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.save_synonym(actor=services.SYSTEM, term="dua kata", expansion="x")
    assert "term" in error.value.message_dict


def test_a_typo_gets_a_suggestion_and_close_results(demo):
    page = search_page(ServiceFilters(query="akta kelahirn"), 1, 20, tolerant=True)
    # PostgreSQL: names alike by pg_trgm; elsewhere: the services of the corrected query.
    assert page.suggestion == "akta kelahiran"
    assert page.approximate
    assert Service.objects.get(pk=next(iter(page)).pk).name == "Penerbitan akta kelahiran"


def test_the_api_answers_exactly_what_was_asked(demo):
    page = search_page(ServiceFilters(query="akta kelahirn"), 1, 20)
    assert page.paginator.count == 0 and not page.suggestion


def test_the_empty_state_speaks_of_filters_only_when_some_are_set(demo, client):
    body = client.get(reverse("catalog:search"), {"q": "qwxzv"}).content.decode()
    assert "Tidak ada layanan yang cocok" in body
    assert "Cari tanpa saringan" not in body
    body = client.get(reverse("catalog:search"), {"q": "qwxzv", "free": "on"}).content.decode()
    assert "Cari tanpa saringan" in body


def test_the_search_page_suggests_a_correction(demo, client):
    body = client.get(reverse("catalog:search"), {"q": "paspr"}).content.decode()
    assert "Mungkin maksud Anda" in body
    assert "?q=paspor" in body


def test_lists_sort_case_insensitively(demo):
    found = [Service.objects.get(pk=s.pk).name for s in search_services(ServiceFilters())]
    assert found == sorted(found, key=str.lower)


def test_the_document_holds_words_and_their_stems():
    text = search.document(["Penerbitan akta kelahiran"])
    assert text == " penerbitan terbit akta kelahiran lahir "
    assert search.contains(text, ("lahir",)) and not search.contains(text, ("hir",))


def test_old_spellings_are_variants():
    assert search.variants("djalan") == ["jalan"]
    assert search.variants("soerat") == ["surat"]
