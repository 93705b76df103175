"""'Siapa yang melihat data saya' (issue 23, finding 5): labels a person understands, one line per
officer, data and day with a count (a reload is not a new line), no table to clip at 360 px."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.utils import timezone

from mpp.accounts.models import User
from mpp.audit.models import AccessKind
from mpp.audit.services import record_access

from .factories import PASSWORD, CitizenFactory

pytestmark = pytest.mark.django_db


def _look(officer, citizen, *, kind=AccessKind.ANSWERS, reference="2171-261127-0001", at):
    # The record's time is the clock's at the moment of reading (append-only: never updated).
    with mock.patch("django.utils.timezone.now", return_value=at):
        return record_access(
            viewer=officer,
            subject_id=citizen.pk,
            role="officer",
            agency_name="Disdukcapil Kota Batam",
            kind=kind,
            reference=reference,
        )


def test_looks_are_grouped_per_officer_data_and_day_with_labels(client):
    citizen = CitizenFactory()
    officer = User.objects.create_user(username="petugas.x", name="Petugas X", password=PASSWORD)
    morning = timezone.now().replace(hour=2, minute=0, second=0, microsecond=0)  # 09.00 WIB
    for minutes in (0, 5, 20):
        _look(officer, citizen, at=morning + datetime.timedelta(minutes=minutes))
    _look(officer, citizen, kind=AccessKind.FILE, at=morning + datetime.timedelta(minutes=25))
    _look(officer, citizen, at=morning - datetime.timedelta(days=1))
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page = client.get("/akun/profil/").content.decode()
    section = page[page.index('id="access-log-title"') : page.index("</section>")]
    items = re.findall(r'<li class="access-log__item">(.*?)</li>', section, re.S)
    assert len(items) == 3  # answers today (3 looks), a file today, answers yesterday
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]
    assert any("3 kali, 09.00 WIB–09.20 WIB" in line for line in text), text
    assert any("Berkas permohonan" in line and "sekali" in line for line in text), text
    assert all("Petugas layanan" in line for line in text)  # the role's label, never "officer"
    assert "officer" not in section and "answers" not in section
    assert "<table" not in section  # nothing to clip on a 360 px phone
