"""Integrity complaints (pungli, gratifikasi, maladministrasi by staff) go to the region's
inspectorate (APIP), never to the agency complained about (issue 23)."""

from __future__ import annotations

import pytest

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff
from mpp.complaints import services
from mpp.complaints.demo import INSPECTORATE_SLUG, INSPECTORATE_USERNAME
from mpp.complaints.models import Category
from mpp.complaints.workflow import AGENCY, DESK
from mpp.tenancy.models import Agency

from .factories import desk, officer, submitted

pytestmark = pytest.mark.django_db


def extortion(**overrides):
    return submitted(
        title="Diminta uang rekam KTP-el",
        text="Petugas loket meminta Rp 50.000 agar perekaman didahulukan.",
        category=Category.objects.get(code="pungutan-liar", region=None),
        **overrides,
    )


@pytest.mark.parametrize("code", ["pungutan-liar", "gratifikasi", "maladministrasi-petugas"])
def test_an_integrity_complaint_goes_to_the_inspectorate_not_the_agency_complained_about(
    demo, code
):
    complaint = submitted(category=Category.objects.get(code=code, region=None))
    assert complaint.agency.slug == INSPECTORATE_SLUG
    assert complaint.reported_agency.slug == "disdukcapil-batam"


def test_the_desk_forwards_pungli_to_the_inspectorate_which_answers_it(client, demo):
    complaint = extortion()
    services.take_action(complaint, "verify", user=desk(), kinds={DESK})
    apip = User.objects.get(username=INSPECTORATE_USERNAME)
    login_staff(client, apip)
    assert (
        complaint.tracking_number
        in client.get("/kelola/pengaduan/?daftar=instansi").content.decode()
    )
    page = client.get(f"/kelola/pengaduan/{complaint.pk}/").content.decode()
    reported = Agency.objects.get(slug="disdukcapil-batam").name
    assert f"Instansi yang diadukan</dt><dd>{reported}</dd>" in page
    services.take_action(
        complaint, "respond", user=apip, kinds={AGENCY}, note="Petugas diperiksa inspektorat."
    )
    assert complaint.status == "answered"


def test_the_agency_complained_about_never_sees_it(client, demo):
    complaint = extortion()
    services.take_action(complaint, "verify", user=desk(), kinds={DESK})
    login_staff(client, officer())
    assert complaint.tracking_number not in client.get("/kelola/pengaduan/").content.decode()
    assert client.get(f"/kelola/pengaduan/{complaint.pk}/").status_code == 404


def test_the_desk_cannot_send_it_to_the_agency_complained_about(client, demo):
    complaint = extortion()
    dukcapil = Agency.objects.get(slug="disdukcapil-batam")
    with pytest.raises(services.ComplaintError) as refused:
        services.take_action(complaint, "verify", user=desk(), kinds={DESK}, agency=dukcapil)
    assert "Inspektorat Kota Batam" in refused.value.message
    complaint.refresh_from_db()
    assert complaint.status == "submitted"


def test_without_an_inspectorate_the_desk_is_told_to_refer_it(demo):
    Agency.objects.filter(slug=INSPECTORATE_SLUG).update(kind=Agency.Kind.REGIONAL)
    complaint = extortion()
    assert complaint.agency is None
    with pytest.raises(services.ComplaintError) as refused:
        services.take_action(complaint, "verify", user=desk(), kinds={DESK})
    assert "Bukan wewenang" in refused.value.message
    services.take_action(complaint, "refer", user=desk(), kinds={DESK}, note="APIP Kota Batam")
    assert complaint.status == "referred"
