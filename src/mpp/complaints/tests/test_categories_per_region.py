"""A kab/kota sees the national complaint categories and its own (its own replacing a national
one with the same code), never another kab/kota's: one rule for the web form, the API and
Open311 (issue 24). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from mpp.accounts import services as account_services
from mpp.complaints.demo import DEMO_API_KEY
from mpp.complaints.models import Category, Complaint
from mpp.tenancy.models import MPP

from .factories import citizen, web_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional(demo):
    """Yogyakarta's own category, and Batam's own version of a national one."""
    return {
        "yogya": Category.objects.create(
            code="parkir-liar", region_id="3471", name="Juru parkir liar di halaman MPP Yogya"
        ),
        "batam": Category.objects.create(
            code="layanan-lambat", region_id="2171", name="Layanan lambat (aturan Kota Batam)"
        ),
    }


def _form(**extra) -> dict:
    return web_form(title="Kategori dari kota lain", text="Isi pengaduan.", **extra)


def test_the_web_form_lists_the_regions_categories_and_refuses_another_regions(client, regional):
    client.force_login(citizen())
    national = Category.objects.get(code="layanan-lambat", region=None)
    page = client.post("/pengaduan/baru/", _form(pilih_mpp="1")).content.decode()
    assert regional["batam"].name in page
    assert regional["yogya"].name not in page
    assert national.name not in page  # replaced by Batam's own
    response = client.post("/pengaduan/baru/", _form(category=regional["yogya"].pk))
    assert response.status_code == 200
    assert not Complaint.objects.filter(title="Kategori dari kota lain").exists()
    client.post("/pengaduan/baru/", _form(category=regional["batam"].pk))
    assert Complaint.objects.get(title="Kategori dari kota lain").category == regional["batam"]


def test_the_api_takes_the_regions_category_by_code_and_refuses_another_regions(client, regional):
    _token, raw = account_services.issue_token(citizen())
    headers = {"Authorization": f"Bearer {raw}"}
    body = _form()
    refused = client.post(
        "/api/v1/complaints",
        {**body, "category": "parkir-liar"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["category"]
    assert not Complaint.objects.filter(title="Kategori dari kota lain").exists()
    taken = client.post(
        "/api/v1/complaints",
        {**body, "category": "layanan-lambat"},
        content_type="application/json",
        headers=headers,
    )
    assert taken.status_code == 201
    assert Complaint.objects.get(title="Kategori dari kota lain").category == regional["batam"]


def test_open311_lists_and_takes_the_regions_categories_only(client, regional):
    codes = {
        row["service_code"]: row["service_name"]
        for row in client.get("/open311/v2/services.json", {"jurisdiction_id": "2171"}).json()
    }
    assert "parkir-liar" not in codes
    assert codes["layanan-lambat"] == regional["batam"].name
    post = {
        "api_key": DEMO_API_KEY,
        "jurisdiction_id": "2171",
        "description": "Kategori dari kota lain.",
    }
    refused = client.post("/open311/v2/requests.json", {**post, "service_code": "parkir-liar"})
    assert refused.status_code == 404
    taken = client.post("/open311/v2/requests.json", {**post, "service_code": "layanan-lambat"})
    assert taken.status_code == 201
    assert Complaint.objects.get(text="Kategori dari kota lain.").category == regional["batam"]


def test_a_service_call_with_another_regions_category_stores_nothing(regional):
    from mpp.complaints import services

    with pytest.raises(services.ComplaintError) as refused:
        services.submit_complaint(
            services.Submission(
                kind="pengaduan",
                about="mpp",
                title="Kategori dari kota lain",
                text="Isi pengaduan.",
                mpp=MPP.objects.get(slug="mpp-kota-batam"),
                category=regional["yogya"],
            ),
            channel="api",
        )
    assert "category" in refused.value.errors
    assert not Complaint.objects.filter(title="Kategori dari kota lain").exists()
