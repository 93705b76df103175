"""The citizen pages and the back office, through the Django test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mpp.accounts.tests.helpers import login_staff
from mpp.audit.models import AccessRecord
from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import VALID_DATA, CitizenFactory, officer_for, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    return client


def test_citizen_fills_steps_checks_and_submits(citizen_client, service, citizen):
    response = citizen_client.post(reverse("cases:start", args=[service.slug]))
    application = Application.objects.get(applicant=citizen)
    assert response.url == reverse("cases:step", args=[application.pk, 1])
    page = citizen_client.get(response.url)
    assert "Data pemohon" in page.content.decode()
    response = citizen_client.post(
        reverse("cases:step", args=[application.pk, 1]), {"nama_lengkap": "Budi", "nik": "123"}
    )
    assert response.status_code == 200
    assert "NIK harus 16 digit" in response.content.decode()
    application.refresh_from_db()
    assert application.data["nama_lengkap"] == "Budi"  # kept although the page had an error
    response = citizen_client.post(
        reverse("cases:step", args=[application.pk, 1]),
        {"nama_lengkap": "Budi", "nik": VALID_DATA["nik"]},
    )
    assert response.url == reverse("cases:step", args=[application.pk, 2])
    response = citizen_client.post(
        reverse("cases:step", args=[application.pk, 2]), {"jenis": "baru"}
    )
    assert response.url == reverse("cases:step", args=[application.pk, 3])
    response = citizen_client.post(reverse("cases:step", args=[application.pk, 3]), {})
    assert "Wajib diunggah" in response.content.decode()
    response = citizen_client.post(
        reverse("cases:step", args=[application.pk, 3]), {"dokumen": pdf_upload()}
    )
    assert response.url == reverse("cases:check", args=[application.pk])
    check = citizen_client.get(response.url)
    assert "ktp.pdf" in check.content.decode()
    response = citizen_client.post(response.url, {"version": "0"})
    assert response.url == reverse("cases:done", args=[application.pk])
    done = citizen_client.get(response.url).content.decode()
    application.refresh_from_db()
    assert application.tracking_number in done and application.status == "submitted"
    listing = citizen_client.get(reverse("cases:mine")).content.decode()
    assert application.tracking_number in listing and "Diajukan" in listing


def test_save_and_exit_keeps_the_draft(citizen_client, service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    response = citizen_client.post(
        reverse("cases:step", args=[application.pk, 1]),
        {"nama_lengkap": "Budi", "nik": "", "save_exit": "1"},
    )
    assert response.url == reverse("cases:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.data["nama_lengkap"] == "Budi"


def test_another_citizens_application_is_not_found(client, service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    client.force_login(CitizenFactory(), backend="mpp.accounts.backends.NikOrUsernameBackend")
    for name in ("cases:detail", "cases:check", "cases:withdraw", "cases:pdf"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 404
    assert client.get(reverse("cases:step", args=[application.pk, 1])).status_code == 404


def _submitted(service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    return application


def test_inbox_lists_scoped_applications_with_fixed_queries(
    client, service, citizen, django_assert_max_num_queries
):
    officer = officer_for(service)
    for _ in range(3):
        _submitted(service, citizen)
    login_staff(client, officer)
    url = reverse("cases:inbox")
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for _ in range(5):
        _submitted(service, citizen)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("2171-") >= 8


def test_the_inbox_filter_reads_its_services_once_and_shows_a_change_at_once(client, service):
    """The filter's services are kept under the officer's access stamp and the catalog's
    generation (``selectors.inbox_service_choices``): the next inbox does not read them, and a
    service published in the officer's unit, a renamed one or a grant to another unit shows on
    the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mpp.accounts.models import Role, RoleGrant
    from mpp.catalog.tests.factories import PublishedServiceFactory

    officer = officer_for(service)
    login_staff(client, officer)
    url = reverse("cases:inbox")

    def options() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        services_read = sum('FROM "catalog_service"' in query["sql"] for query in queries)
        return services_read, html.split('name="service"', 1)[1].split("</select>", 1)[0]

    first, offered = options()
    again, offered_again = options()
    assert (first, again) == (1, 0) and offered_again == offered
    assert f'<option value="{service.pk}">{service.name}</option>' in offered
    added = PublishedServiceFactory(presence=service.agency.presences.get(mpp=service.mpp))
    assert f'<option value="{added.pk}">{added.name}</option>' in options()[1]
    service.name = "Surat Keterangan Pindah Domisili"
    service.save()
    assert "Surat Keterangan Pindah Domisili" in options()[1]
    elsewhere = PublishedServiceFactory()
    assert f'value="{elsewhere.pk}"' not in options()[1]
    RoleGrant.objects.create(
        user=officer, role=Role.OFFICER, agency=elsewhere.agency, mpp=elsewhere.mpp
    )
    assert f'<option value="{elsewhere.pk}">{elsewhere.name}</option>' in options()[1]


def test_the_inbox_filter_keeps_what_the_officer_chose_in_each_language(client, service):
    """The filter as first seen is rendered once per language and set of services; a chosen
    filter is rendered with its choice, and the English page gets English labels."""
    login_staff(client, officer_for(service))
    url = reverse("cases:inbox")
    assert 'value="today" selected' not in client.get(url).content.decode()
    chosen = client.get(url, {"due": "today", "service": service.pk}).content.decode()
    assert 'value="today" selected' in chosen
    assert f'value="{service.pk}" selected' in chosen
    plain = client.get(url).content.decode()
    assert 'value="today" selected' not in plain and "Hanya yang saya tangani" in plain
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Hanya yang saya tangani" not in english
    assert "Hanya yang saya tangani" in client.get(url).content.decode()


def test_the_citizens_list_shows_each_row_with_a_fixed_number_of_queries(
    citizen_client, service, citizen, django_assert_max_num_queries
):
    """The rows read only what the list shows (``selectors.citizen_rows``): a field left out and
    then shown would cost a query per row, and this would fail."""
    first = _submitted(service, citizen)
    draft = services.start_application(applicant=citizen, service=service)
    url = reverse("cases:mine")
    with django_assert_max_num_queries(16) as few:
        citizen_client.get(url)
    later = [_submitted(service, citizen) for _ in range(4)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = citizen_client.get(url).content.decode()
    for application in (first, draft, *later):
        assert application.tracking_number in page
    assert page.count(service.name) == 6
    assert page.count(service.agency.name) >= 6
    assert page.count("Selesai paling lambat") == 5 and "Draf, terakhir disimpan" in page
    assert page.count("Diajukan") >= 5


def test_the_citizens_list_is_planned_for_the_citizen_each_time(citizen_client, service, citizen):
    """On PostgreSQL the list's page is never prepared (``mpp.plans``): the one generic plan of a
    prepared statement read and sorted all of a citizen's applications (20 ms at 2,700)."""
    from mpp.web.tests.prepared import only_on_postgresql, prepared_like

    only_on_postgresql()
    _submitted(service, citizen)
    for _ in range(8):
        assert citizen_client.get(reverse("cases:mine")).status_code == 200
    page = '%"cases_application"."created_at" DESC, "cases_application"."id" DESC%'
    assert prepared_like(page) == 0


def test_the_inbox_is_planned_for_the_unit_each_time(client, service, citizen):
    """On PostgreSQL neither the inbox's page nor its due counts are prepared (``mpp.plans``):
    their generic plans read 70 ms each at a million applications, where a plan made for the
    unit reads 4 ms (docs/performance.md)."""
    from mpp.web.tests.prepared import only_on_postgresql, prepared_like

    only_on_postgresql()
    _submitted(service, citizen)
    login_staff(client, officer_for(service))
    for _ in range(8):
        assert client.get(reverse("cases:inbox")).status_code == 200
    assert prepared_like('%FROM "cases_application"%"due_at" ASC NULLS LAST%') == 0
    assert prepared_like('%COUNT("cases_application"."id") FILTER%') == 0
    assert prepared_like('%FROM "cases_statuscount"%') == 1  # the rest is still prepared


def test_officer_claims_requests_revision_and_sees_audited_file(client, service, citizen):
    officer = officer_for(service)
    application = _submitted(service, citizen)
    login_staff(client, officer)
    detail = reverse("cases:staff_detail", args=[application.pk])
    action = reverse("cases:staff_action", args=[application.pk])
    client.post(action, {"action": "claim", "version": 1})
    response = client.post(action, {"action": "request_revision", "version": 2, "note": ""})
    application.refresh_from_db()
    assert application.status == "in_review"
    page = client.get(detail).content.decode()
    assert "catatan atau alasan" in page
    client.post(action, {"action": "request_revision", "version": 2, "note": "KTP buram"})
    application.refresh_from_db()
    assert application.status == "revision_requested"
    response = client.post(action, {"action": "approve", "version": 1})
    assert response.status_code == 302
    document = application.documents.get()
    response = client.get(reverse("cases:staff_file", args=[application.pk, document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert AccessRecord.objects.filter(kind="file", viewer=officer, subject=citizen).exists()
    client.post(reverse("cases:staff_note", args=[application.pk]), {"text": "Hubungi via telepon"})
    assert application.notes.get().text == "Hubungi via telepon"


def test_counter_officer_files_for_a_walk_in(client, service):
    officer = officer_for(service)
    login_staff(client, officer)
    url = reverse("cases:counter")
    response = client.post(
        url,
        {
            "service": service.pk,
            "nik": "2171015205850002",
            "birth_date": "1985-05-13",
            "name": "Siti",
        },
    )
    assert "Tanggal lahir tidak sesuai" in response.content.decode()
    response = client.post(
        url,
        {
            "service": service.pk,
            "nik": "2171015205850002",
            "birth_date": "1985-05-12",
            "name": "Siti",
        },
    )
    application = Application.objects.get()
    assert response.url == reverse("cases:staff_step", args=[application.pk, 1])
    assert application.channel == "counter" and application.applicant.is_light_record


def test_citizen_sees_own_upload_but_not_anothers(client, service, citizen):
    application = _submitted(service, citizen)
    document = application.documents.get()
    url = reverse("cases:file", args=[application.pk, document.pk])
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "2171" not in response["Content-Disposition"]
    client.force_login(CitizenFactory(), backend="mpp.accounts.backends.NikOrUsernameBackend")
    assert client.get(url).status_code == 404


def test_citizen_cannot_open_the_back_office(citizen_client, service, citizen):
    application = _submitted(service, citizen)
    assert citizen_client.get(reverse("cases:inbox")).status_code == 403
    response = citizen_client.get(reverse("cases:staff_detail", args=[application.pk]))
    assert response.status_code == 403


def test_a_change_from_the_check_page_returns_to_it(citizen_client, service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    url = reverse("cases:step", args=[application.pk, 1]) + "?dari=periksa"
    response = citizen_client.post(url, {"nama_lengkap": "Budi", "nik": VALID_DATA["nik"]})
    assert response.url == reverse("cases:check", args=[application.pk])


def test_second_officer_acting_on_an_old_page_is_told_and_nothing_changes(client, service, citizen):
    first, second = officer_for(service), officer_for(service)
    application = _submitted(service, citizen)
    services.claim_application(application, actor=first, expected_version=1)
    login_staff(client, second)
    response = client.post(
        reverse("cases:staff_action", args=[application.pk]),
        {"action": "reject", "version": 1, "note": "Tidak lengkap", "confirmed": "1"},
        follow=True,
    )
    assert "baru saja diubah oleh orang lain" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "in_review" and application.assigned_to == first


def test_inbox_answers_htmx_with_the_results_alone_in_no_more_queries(client, service, citizen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = officer_for(service)
    for _ in range(3):
        _submitted(service, citizen)
    login_staff(client, officer)
    url = reverse("cases:inbox")
    client.get(url)  # warm the per-user caches alike for both
    with CaptureQueriesContext(connection) as full_queries:
        full = client.get(url, {"status": "submitted"})
    with CaptureQueriesContext(connection) as fragment_queries:
        fragment = client.get(url, {"status": "submitted"}, headers={"HX-Request": "true"})
    assert "<html" in full.text and 'id="inbox-filters"' in full.text
    assert "<html" not in fragment.text and 'id="inbox-filters"' not in fragment.text
    assert fragment.text.count("2171-") == full.text.count("2171-") == 3
    assert 'id="inbox-results"' in fragment.text and 'hx-swap-oob="innerHTML"' in fragment.text
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in full["Vary"]
    assert len(fragment_queries.captured_queries) < len(full_queries.captured_queries)
    # htmx restoring a page missing from its history cache gets the whole page.
    restored = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restored.text


def test_whose_counter_filings_a_list_page_marks_takes_one_query_per_unit(
    service, django_assert_num_queries
):
    """The inbox marks the rows its officer filed at the counter as not theirs to decide while
    another officer of the unit could: one question per unit, not one per walk-in citizen."""
    from mpp.cases.selectors import mark_conflicts

    filer, other = officer_for(service), officer_for(service)
    citizens = [CitizenFactory() for _ in range(3)]

    def rows(applicants):
        return [
            Application(
                agency_id=service.agency_id,
                mpp_id=service.mpp_id,
                applicant_id=applicant.pk,
                filed_by_id=filer.pk,
            )
            for applicant in applicants
        ]

    page = rows(citizens)
    with django_assert_num_queries(1):
        mark_conflicts(filer, page)
    assert [row.not_mine for row in page] == [True, True, True]
    # The colleague's own walk-in filing: nobody else could decide it, so the filer does.
    own = rows([other, *citizens])
    with django_assert_num_queries(1):
        mark_conflicts(filer, own)
    assert [row.not_mine for row in own] == [False, True, True, True]
