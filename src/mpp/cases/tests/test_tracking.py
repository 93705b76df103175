"""Issue 11, item 7: following an application without an account."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from mpp.cases import services
from mpp.cases.tests.factories import VALID_DATA, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def submitted(service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    application.refresh_from_db()
    return application


def test_number_and_birth_date_show_status_due_date_and_timeline_only(client, submitted, citizen):
    url = reverse("cases:track")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"nomor": submitted.tracking_number.lower(), "birth_date": citizen.birth_date}
    )
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert submitted.tracking_number in body and "Diajukan" in body
    assert "Diajukan oleh pemohon" in body  # the timeline reads as sentences
    assert citizen.name not in body and citizen.nik not in body and "ktp.pdf" not in body


def test_a_wrong_number_and_a_wrong_date_read_the_same(client, submitted, citizen):
    url = reverse("cases:track")
    wrong_date = client.post(
        url,
        {
            "nomor": submitted.tracking_number,
            "birth_date": citizen.birth_date + datetime.timedelta(days=1),
        },
    ).content.decode()
    wrong_number = client.post(
        url, {"nomor": "2171-000000-0000", "birth_date": citizen.birth_date}
    ).content.decode()
    for body in (wrong_date, wrong_number):
        assert "Permohonan tidak ditemukan" in body
        assert submitted.tracking_number not in body.split("</h1>", 1)[1].split("<form")[0]

    def shown(text: str) -> str:  # the page without what was typed and the CSRF token
        text = text.replace(submitted.tracking_number, "").replace("2171-000000-0000", "")
        text = re.sub(r'value="[^"]*"', "", text)
        return text.split("<main")[1]

    assert shown(wrong_date) == shown(wrong_number)


def test_tries_on_one_number_are_limited(client, submitted, citizen):
    url = reverse("cases:track")
    statuses = [
        client.post(
            url, {"nomor": submitted.tracking_number, "birth_date": f"1990-01-{day:02d}"}
        ).status_code
        for day in range(1, 8)
    ]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429


def test_the_inbox_finds_by_tracking_number_nik_or_name_by_post(client, submitted, citizen):
    from mpp.accounts.tests.helpers import login_staff
    from mpp.cases.tests.factories import officer_for

    login_staff(client, officer_for(submitted.service))
    url = reverse("cases:inbox")
    page = client.get(url).content.decode()
    assert "Diajukan: <strong>1</strong>" in page  # counts per status
    for query in (submitted.tracking_number, citizen.nik, "Uji"):
        body = client.post(url, {"q": query}).content.decode()
        assert submitted.tracking_number in body, query
    spaced = f"{citizen.nik[:4]} {citizen.nik[4:8]}-{citizen.nik[8:]}"
    assert submitted.tracking_number in client.post(url, {"q": spaced}).content.decode()
    assert submitted.tracking_number not in client.post(url, {"q": "Tidak Ada"}).content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "{n}",
        "{n_spaces}",
        "{n_digits}",
        " {n_dots} ",
        "{n_spaced_dashes}",
    ],
)
def test_a_number_typed_with_spaces_or_without_dashes_is_found(client, submitted, citizen, typed):
    """Issue 23: `/lacak/` did not find a tracking number typed with spaces or without dashes."""
    number = submitted.tracking_number
    digits = number.replace("-", "")
    value = typed.format(
        n=number,
        n_spaces=number.replace("-", " "),
        n_digits=digits,
        n_dots=number.replace("-", "."),
        n_spaced_dashes=number.replace("-", " - "),
    )
    response = client.post(
        reverse("cases:track"), {"nomor": value, "birth_date": citizen.birth_date}
    )
    body = response.content.decode()
    assert "Permohonan tidak ditemukan" not in body and "Diajukan oleh pemohon" in body
