import re

import pytest
from django.core import mail

from mpp.audit.models import AuditAction, AuditEvent

from .factories import CITIZEN_NIK, CitizenFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sandi-Baru-Sekali-2027"


def test_reset_by_email(client):
    user = CitizenFactory(email="budi@contoh.id")
    response = client.post("/akun/sandi/lupa/", {"email": "BUDI@contoh.id"})
    assert response["Location"] == "/akun/sandi/lupa/terkirim/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["budi@contoh.id"]
    assert message.subject == "Atur ulang kata sandi MPP Digital"
    assert "Yth. Bapak/Ibu," in message.body
    assert CITIZEN_NIK not in message.body
    link = re.search(r"https?://[^/\s]+(/akun/sandi/atur/\S+)", message.body).group(1)

    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    assert response.status_code == 200
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/akun/sandi/atur/selesai/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_RESET, actor=user, target_id=str(user.pk)
    ).exists()
    response = client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": NEW_PASSWORD})
    assert response.status_code == 302

    # The link works once only.
    response = client.get(link, follow=True)
    assert "tidak berlaku" in response.content.decode()


def test_weak_new_password_is_refused(client):
    user = CitizenFactory(email="budi@contoh.id")
    client.post("/akun/sandi/lupa/", {"email": "budi@contoh.id"})
    link = re.search(r"https?://[^/\s]+(/akun/sandi/atur/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    assert "terlalu pendek" in response.content.decode()
    user.refresh_from_db()
    assert not user.check_password("12345")
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


def test_unknown_email_sends_nothing_but_looks_the_same(client):
    response = client.post("/akun/sandi/lupa/", {"email": "siapa@contoh.id"})
    assert response["Location"] == "/akun/sandi/lupa/terkirim/"
    assert mail.outbox == []
