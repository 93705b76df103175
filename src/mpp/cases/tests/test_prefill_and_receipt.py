"""Issue 11, item 6: no retyping (prefill from the account or from the counter's typing), the
check page speaks to the officer, and the counter ends with a printable receipt."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mpp.accounts.tests.helpers import login_staff
from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import officer_for, pdf_upload, service_with
from mpp.catalog.tests.factories import SAMPLE_FORM

pytestmark = pytest.mark.django_db

PREFILLED_FORM = [
    {**field, "prefill": {"nama_lengkap": "name", "nik": "nik"}[field["name"]]}
    if field["name"] in ("nama_lengkap", "nik")
    else dict(field)
    for field in SAMPLE_FORM
]


@pytest.fixture
def prefilled_service(db):
    return service_with(form_definition=PREFILLED_FORM)


def test_step_one_is_filled_in_from_the_account(client, prefilled_service, citizen):
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    response = client.post(reverse("cases:start", args=[prefilled_service.slug]))
    application = Application.objects.get(applicant=citizen)
    assert application.data["nama_lengkap"] == citizen.name
    assert application.data["nik"] == citizen.nik
    page = client.get(response.url).content.decode()
    assert f'value="{citizen.name}"' in page and f'value="{citizen.nik}"' in page


def test_a_counter_filing_is_prefilled_checked_by_the_officer_and_ends_with_a_receipt(
    client, prefilled_service
):
    officer = officer_for(prefilled_service)
    login_staff(client, officer)
    response = client.post(
        reverse("cases:counter"),
        {
            "service": prefilled_service.pk,
            "nik": "2171015205850002",
            "birth_date": "1985-05-12",
            "name": "Siti Aminah",
            "phone": "081277770000",
        },
    )
    application = Application.objects.get()
    assert application.data["nama_lengkap"] == "Siti Aminah"
    assert application.data["nik"] == "2171015205850002"
    step = reverse("cases:staff_step", args=[application.pk, 1])
    assert response.url == step
    assert 'value="Siti Aminah"' in client.get(step).content.decode()
    client.post(step, {"nama_lengkap": "Siti Aminah", "nik": "2171015205850002"})
    client.post(reverse("cases:staff_step", args=[application.pk, 2]), {"jenis": "baru"})
    client.post(
        reverse("cases:staff_step", args=[application.pk, 3]),
        {"dokumen": pdf_upload("kk-siti.pdf")},
    )
    check = client.get(reverse("cases:staff_check", args=[application.pk])).content.decode()
    assert "Periksa isian pemohon" in check and "Periksa jawaban Anda" not in check
    assert "dokumen asli yang dibawa Siti Aminah" in check
    response = client.post(reverse("cases:staff_check", args=[application.pk]), {"version": "0"})
    assert response.url == reverse("cases:staff_done", args=[application.pk])
    receipt = client.get(response.url).content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    assert "Tanda terima permohonan" in receipt and application.tracking_number in receipt
    assert "Pindaian dokumen" in receipt and "kk-siti.pdf" in receipt
    assert 'src="data:image/png;base64,' in receipt  # the QR code to follow it
    assert "Selesai paling lambat" in receipt and "WIB" in receipt
    assert "2171015205850002" not in receipt  # no NIK on a paper that leaves the counter


def test_a_resubmission_is_confirmed_as_one(client, service, citizen):
    officer = officer_for(service)
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(
        application,
        actor=citizen,
        data={"nama_lengkap": "Budi", "nik": citizen.nik, "jenis": "baru"},
    )
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    services.request_revision(application, actor=officer, note="KTP buram")
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    response = client.post(
        reverse("cases:check", args=[application.pk]), {"version": application.version}
    )
    done = client.get(response.url).content.decode()
    assert "Perbaikan terkirim" in done


def test_the_officer_sees_what_changed_since_the_revision_request(client, service, citizen):
    from mpp.accounts.tests.helpers import login_staff

    officer = officer_for(service)
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(
        application,
        actor=citizen,
        data={"nama_lengkap": "Budi", "nik": citizen.nik, "jenis": "baru"},
    )
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    services.request_revision(application, actor=officer, note="Nama tidak lengkap")
    application.refresh_from_db()
    services.update_draft(application, actor=citizen, data={"nama_lengkap": "Budi Santoso"})
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload("baru.pdf"))
    services.resubmit_application(application, actor=citizen)
    login_staff(client, officer)
    page = client.get(reverse("cases:staff_detail", args=[application.pk])).content.decode()
    assert "Diubah sejak permintaan perbaikan" in page
    assert "Isian: Nama lengkap" in page and "Berkas baru: Pindaian dokumen" in page
    assert (
        "Isian: NIK" not in page and "Budi" not in page.split("Diubah sejak")[1].split("</div>")[0]
    )


def test_continue_filling_in_opens_the_first_unfinished_step(client, service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(
        application, actor=citizen, data={"nama_lengkap": "Budi", "nik": citizen.nik}
    )
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    detail = client.get(reverse("cases:detail", args=[application.pk])).content.decode()
    assert reverse("cases:step", args=[application.pk, 2]) in detail
    services.update_draft(application, actor=citizen, data={"jenis": "baru"})
    detail = client.get(reverse("cases:detail", args=[application.pk])).content.decode()
    assert reverse("cases:step", args=[application.pk, 3]) in detail
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    detail = client.get(reverse("cases:detail", args=[application.pk])).content.decode()
    assert reverse("cases:check", args=[application.pk]) in detail
