"""'Ajukan permohonan' while signed out: the login page says why, and registering (with the email
verification) leads back to the service's form (issue 23, finding 3)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from mpp.accounts.tests.factories import CITIZEN_NIK, PASSWORD, CitizenFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_says_which_service_the_person_is_applying_for(client, service):
    start = f"/permohonan/baru/{service.slug}/"
    response = client.get(start)
    assert response.status_code == 302
    login = client.get(response["Location"]).content.decode()
    assert f"Masuk untuk mengajukan permohonan {service.name}" in login
    citizen = CitizenFactory()
    signed_in = client.post(
        response["Location"], {"username": citizen.nik, "password": PASSWORD, "next": start}
    )
    assert signed_in["Location"] == start


def test_a_plain_login_says_nothing_of_a_service(client, service):
    page = client.get("/akun/masuk/").content.decode()
    assert "Masuk untuk mengajukan permohonan" not in page
    unknown = client.get("/akun/masuk/?next=/permohonan/baru/tidak-ada/").content.decode()
    assert "Masuk untuk mengajukan permohonan" not in unknown


def test_registering_leads_back_to_the_service_form(
    client, service, mailoutbox, django_capture_on_commit_callbacks
):
    start = f"/permohonan/baru/{service.slug}/"
    login_url = client.get(start)["Location"]
    login = client.get(login_url).content.decode()
    found = re.search(r'href="(/akun/daftar/\?next=[^"]*)"', login)
    assert found, "the login page's registration link keeps the service"
    register_link = found.group(1)
    register_page = client.get(register_link.replace("&amp;", "&")).content.decode()
    assert f"Masuk untuk mengajukan permohonan {service.name}" not in register_page
    assert service.name in register_page
    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(
            register_link.replace("&amp;", "&"),
            {
                "nik": CITIZEN_NIK,
                "name": "Budi Santoso",
                "birth_date": "1990-08-15",
                "email": "budi@contoh.id",
                "phone": "+6281234567890",
                "password": PASSWORD,
                "consent": "on",
                "next": start,
            },
        )
    assert registered.status_code == 302
    received = client.get(registered["Location"]).content.decode()
    assert service.name in received
    # The email's link verifies the address and offers the way back to the form.
    (mail,) = mailoutbox
    link = re.search(r"https://\S+", mail.body).group(0)
    parsed = urlparse(link)
    verified = client.get(f"{parsed.path}?{parsed.query}").content.decode()
    assert "telah diverifikasi" in verified
    back = re.search(r'href="([^"]*)"[^>]*>[^<]*' + re.escape(service.name), verified)
    assert back, verified
    target = back.group(1).replace("&amp;", "&")
    # Not signed in yet: the way back goes through the login page, which says why.
    page = client.get(target, follow=True)
    assert f"Masuk untuk mengajukan permohonan {service.name}" in page.content.decode()
    signed_in = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else target,
        {"username": CITIZEN_NIK, "password": PASSWORD, "next": start},
    )
    assert signed_in["Location"] == start
    assert client.get(start).status_code == 200
