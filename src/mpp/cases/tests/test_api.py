"""The applications API: drafts, files, idempotent submission, scoped reads, actions with 409."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mpp.accounts.services import issue_token
from mpp.cases.models import Application
from mpp.cases.tests.factories import PDF_BYTES, VALID_DATA, CitizenFactory, officer_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/applications"


def bearer(user) -> dict[str, str]:
    # Staff tokens come with the second factor (POST /auth/token with a TOTP code).
    _token, raw = issue_token(user, second_factor=user.is_staff_member)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def as_citizen(citizen):
    return bearer(citizen)


def create(client, headers, service, **extra):
    return client.post(
        BASE,
        {"service": service.pk, "data": VALID_DATA},
        content_type="application/json",
        headers={**headers, **extra},
    )


def attach(client, headers, application_id, content=PDF_BYTES, field="dokumen"):
    return client.post(
        f"{BASE}/{application_id}/documents",
        {"field": field, "file": SimpleUploadedFile("scan.pdf", content)},
        headers=headers,
    )


def test_citizen_creates_attaches_and_submits(client, service, as_citizen):
    response = create(client, as_citizen, service)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 0
    assert body["tracking_number"].startswith("2171-")
    assert attach(client, as_citizen, body["id"]).status_code == 201
    response = client.post(f"{BASE}/{body['id']}/submit", headers=as_citizen)
    assert response.status_code == 200, response.json()
    submitted = response.json()
    assert submitted["status"] == "submitted" and submitted["due_at"]
    detail = client.get(f"{BASE}/{body['id']}", headers=as_citizen).json()
    assert detail["history"][0]["action"] == "submit"
    assert detail["actions"] == ["withdraw"] and detail["breached"] is False


def test_invalid_fields_are_answered_per_field_and_nothing_is_created(client, service, as_citizen):
    response = client.post(
        BASE,
        {"service": service.pk, "data": {"nik": "123", "jenis": "lain", "asal": "x"}},
        content_type="application/json",
        headers=as_citizen,
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"data.nik", "data.jenis", "data.asal"}
    assert not Application.objects.exists()


def test_incomplete_submission_and_bad_file_are_refused(client, service, as_citizen):
    draft = create(client, as_citizen, service).json()
    response = client.post(f"{BASE}/{draft['id']}/submit", headers=as_citizen)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["data.dokumen"]
    response = attach(client, as_citizen, draft["id"], content=b"MZ\x90\x00renamed.exe")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_idempotency_key_returns_the_first_result(client, service, as_citizen):
    first = create(client, as_citizen, service, **{"Idempotency-Key": "abc-1"})
    again = create(client, as_citizen, service, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Application.objects.count() == 1
    draft_id = first.json()["id"]
    attach(client, as_citizen, draft_id)
    key = {"Idempotency-Key": "submit-1"}
    one = client.post(f"{BASE}/{draft_id}/submit", headers={**as_citizen, **key})
    two = client.post(f"{BASE}/{draft_id}/submit", headers={**as_citizen, **key})
    assert one.status_code == two.status_code == 200 and one.json() == two.json()
    three = client.post(f"{BASE}/{draft_id}/submit", headers=as_citizen)
    assert three.status_code == 409  # without the key, a second submit is refused


def test_other_citizen_gets_404_and_lists_are_scoped(client, service, as_citizen):
    draft = create(client, as_citizen, service).json()
    stranger = bearer(CitizenFactory())
    assert client.get(f"{BASE}/{draft['id']}", headers=stranger).status_code == 404
    assert client.get(BASE, headers=stranger).json()["items"] == []
    assert [row["id"] for row in client.get(BASE, headers=as_citizen).json()["items"]] == [
        draft["id"]
    ]
    response = client.patch(
        f"{BASE}/{draft['id']}",
        {"data": {"nama_lengkap": "X"}},
        content_type="application/json",
        headers=stranger,
    )
    assert response.status_code == 404


def test_officer_actions_with_stale_version_get_409(client, service, as_citizen):
    draft = create(client, as_citizen, service).json()
    attach(client, as_citizen, draft["id"])
    client.post(f"{BASE}/{draft['id']}/submit", headers=as_citizen)
    officer = bearer(officer_for(service))
    listed = client.get(BASE, headers=officer).json()["items"]
    assert [row["id"] for row in listed] == [draft["id"]]
    detail = client.get(f"{BASE}/{draft['id']}", headers=officer).json()
    assert set(detail["actions"]) >= {"claim", "reject"}
    url = f"{BASE}/{draft['id']}/actions"
    ok = client.post(
        url, {"action": "claim", "version": 1}, content_type="application/json", headers=officer
    )
    assert ok.status_code == 200 and ok.json()["status"] == "in_review"
    stale = client.post(
        url, {"action": "approve", "version": 1}, content_type="application/json", headers=officer
    )
    assert stale.status_code == 409 and stale.json()["type"] == "urn:mpp:problem:stale_version"
    no_note = client.post(
        url, {"action": "reject", "version": 2}, content_type="application/json", headers=officer
    )
    assert no_note.status_code == 422
    by_citizen = client.post(
        url,
        {"action": "approve", "version": 2},
        content_type="application/json",
        headers=as_citizen,
    )
    assert by_citizen.status_code == 403  # refused by the policy, not a changed state
    assert Application.objects.get().status == "in_review"
    assert client.get(f"{BASE}/{draft['id']}/document", headers=as_citizen).status_code == 404


def test_issued_pdf_is_downloadable(
    client, service, as_citizen, signing, django_capture_on_commit_callbacks
):
    draft = create(client, as_citizen, service).json()
    attach(client, as_citizen, draft["id"])
    client.post(f"{BASE}/{draft['id']}/submit", headers=as_citizen)
    officer = bearer(officer_for(service))
    url = f"{BASE}/{draft['id']}/actions"
    with django_capture_on_commit_callbacks(execute=True):
        for version, action in enumerate(("claim", "approve", "issue"), start=1):
            response = client.post(
                url,
                {"action": action, "version": version},
                content_type="application/json",
                headers=officer,
            )
            assert response.status_code == 200, response.json()
    assert response.json()["status"] == "issued"
    detail = client.get(f"{BASE}/{draft['id']}", headers=as_citizen).json()
    assert detail["document_number"]
    pdf = client.get(f"{BASE}/{draft['id']}/document", headers=as_citizen)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_list_parameters_out_of_range_are_refused_per_field(client, citizen):
    response = client.get(BASE, {"cursor": "x" * 600, "service": 10**30}, headers=bearer(citizen))
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"cursor", "service"}


def test_idempotency_key_reused_with_another_body_is_refused(client, service, as_citizen):
    key = {"Idempotency-Key": "sama-1"}
    first = create(client, as_citizen, service, **key)
    assert first.status_code == 201
    other = client.post(
        BASE,
        {"service": service.pk, "data": {"nama_lengkap": "Orang Lain"}},
        content_type="application/json",
        headers={**as_citizen, **key},
    )
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["type"] == "urn:mpp:problem:idempotency-key-reused"
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"$gt": ""}, None),
        (["a", {"b": 1}], None),
        (12345, "Harus berupa teks."),
        (True, "Harus berupa teks."),
    ],
)
def test_objects_and_numbers_are_refused_for_text_fields(
    client, service, as_citizen, value, message
):
    response = client.post(
        BASE,
        {"service": service.pk, "data": {"nama_lengkap": value}},
        content_type="application/json",
        headers=as_citizen,
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {item["field"]: item["messages"] for item in response.json()["errors"]}
    assert any(field.startswith("data.nama_lengkap") for field in fields)
    if message:
        assert fields["data.nama_lengkap"] == [message]
    assert not Application.objects.exists()


def _filed_at_counter(service, officer):
    import datetime

    from mpp.cases import services

    walk_in = services.WalkIn(
        nik="2171015205850002", birth_date=datetime.date(1985, 5, 12), name="Siti Aminah"
    )
    application = services.file_at_counter(officer=officer, service=service, walk_in=walk_in)
    services.update_draft(application, actor=officer, data=VALID_DATA)
    services.attach_file(
        application,
        actor=officer,
        field="dokumen",
        upload=SimpleUploadedFile("scan.pdf", PDF_BYTES),
    )
    services.submit_application(application, actor=officer)
    application.refresh_from_db()
    return application


def test_the_only_officer_of_an_agency_decides_what_they_filed_at_the_counter(client, service):
    """An agency with one officer: the counter filing was a dead end (nobody else could decide
    it and the API answered 409)."""
    officer = officer_for(service)
    application = _filed_at_counter(service, officer)
    headers = bearer(officer)
    detail = client.get(f"{BASE}/{application.pk}", headers=headers).json()
    assert {"claim", "reject"} <= set(detail["actions"])
    url = f"{BASE}/{application.pk}/actions"
    claimed = client.post(
        url,
        {"action": "claim", "version": detail["version"]},
        content_type="application/json",
        headers=headers,
    )
    assert claimed.status_code == 200, claimed.json()
    approved = client.post(
        url,
        {"action": "approve", "version": claimed.json()["version"]},
        content_type="application/json",
        headers=headers,
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"


def test_with_a_colleague_the_filer_is_refused_by_role_and_the_colleague_decides(client, service):
    filer = officer_for(service)
    colleague = officer_for(service)
    application = _filed_at_counter(service, filer)
    url = f"{BASE}/{application.pk}/actions"
    refused = client.post(
        url,
        {"action": "claim", "version": application.version},
        content_type="application/json",
        headers=bearer(filer),
    )
    assert refused.status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted" and application.assigned_to is None
    taken = client.post(
        url,
        {"action": "claim", "version": application.version},
        content_type="application/json",
        headers=bearer(colleague),
    )
    assert taken.status_code == 200


def _list_counting_queries(client, headers) -> tuple[list[dict], int]:
    from django.db import connection

    statements: list[str] = []

    def count(run, sql, *rest):
        statements.append(sql)
        return run(sql, *rest)

    with connection.execute_wrapper(count):
        response = client.get(BASE, headers=headers)
    assert response.status_code == 200
    return response.json()["items"], len(statements)


def test_the_list_answers_every_field_in_the_same_queries_for_one_row_or_six(
    client, service, as_citizen
):
    """The list reads only the columns it answers (issue 26); one left out would cost a query
    per row, and one answered wrong would show here."""
    first = create(client, as_citizen, service).json()
    assert attach(client, as_citizen, first["id"]).status_code == 201
    assert client.post(f"{BASE}/{first['id']}/submit", headers=as_citizen).status_code == 200
    items, one = _list_counting_queries(client, as_citizen)
    application = Application.objects.select_related("service_version").get(pk=first["id"])
    assert items == [
        {
            "id": application.pk,
            "tracking_number": application.tracking_number,
            "service": service.pk,
            "service_name": application.service_version.name,
            "service_version": application.service_version.number,
            "status": "submitted",
            "version": application.version,
            "channel": "online",
            "submitted_at": items[0]["submitted_at"],
            "due_at": items[0]["due_at"],
            "breached": False,
            "remaining_working_days": None,
            "decided_at": None,
            "document_number": None,
        }
    ]
    assert items[0]["submitted_at"] and items[0]["due_at"]
    for _ in range(5):
        assert create(client, as_citizen, service).status_code == 201
    items, six = _list_counting_queries(client, as_citizen)
    assert len(items) == 6 and six == one
    officer = officer_for(service)
    staff_items, _queries = _list_counting_queries(client, bearer(officer))
    assert [item["id"] for item in staff_items] == [application.pk]
    assert staff_items[0]["service_name"] == application.service_version.name
