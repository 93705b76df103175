"""Masking by role (issue 22, finding 5): who sees a citizen's name, NIK, email and IP, and where.

The generated test renders every page, API read and export of the route matrix (both tenants), plus
the personal-data pages below, as each role that the rule in ``accounts.privacy`` keeps from the
demo citizen's identity, and asserts that his full name, NIK, email and IP address appear nowhere.
The named tests pin each finding and show that the handlers still see what they need.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from mpp.accounts import services as account_services
from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff
from mpp.accounts.tests.test_duties import demo  # noqa: F401 - the demo fixture
from mpp.accounts.tests.test_route_matrix import _objects, requests_for
from mpp.audit.models import AuditAction, AuditEvent
from mpp.complaints import demo as complaints_demo
from mpp.complaints import services as complaint_services
from mpp.complaints.demo import DESK_USERNAME
from mpp.complaints.models import Complaint
from mpp.complaints.workflow import DESK
from mpp.deadlines.services import sweep
from mpp.notifications.models import InboxMessage, Notification
from mpp.workflows.models import TransitionRecord

pytestmark = pytest.mark.django_db

NIK = "2171011508900003"
NAME = "Budi Santoso"
EMAIL = "warga0003@contoh.id"
IP = "198.51.100.23"
SECRETS = (NAME, NIK, EMAIL, IP)

# Roles the rule keeps from the citizen's identity on every page: oversight (masked: initials at
# most), the ministry (nothing), an officer of another region (nothing). The Dukcapil and Dinkes
# staff of Batam handle his applications and complaint, so they are not in this list.
KEPT_FROM_IDENTITY = [
    "pengelola.batam",
    "admin.batam",
    "admin.kemenpanrb",
    "analis.kemenpanrb",
    "petugas.yogya",
]


def _citizen() -> User:
    return User.objects.get(nik=NIK)


def _personal_data(demo):  # noqa: F811
    """The citizen's traces: a sign-in in the audit log (with his address), his own step in an
    application's history, a confidential complaint forwarded to Dukcapil, a public complaint
    not yet verified."""
    complaints_demo.load()
    citizen = _citizen()
    assert (citizen.name, citizen.email) == (NAME, EMAIL)
    application = demo["dukcapil"]
    AuditEvent.objects.create(
        action=AuditAction.LOGIN,
        actor=citizen,
        target_type="accounts.user",
        target_id=str(citizen.pk),
        ip_address=IP,
    )
    TransitionRecord.objects.create(
        content_type=ContentType.objects.get_for_model(application),
        object_id=str(application.pk),
        workflow="application",
        action="submit",
        from_state="draft",
        to_state="submitted",
        version=1,
        actor=citizen,
        actor_kind="citizen",
        at=timezone.now(),
        mpp_id=application.mpp_id,
        agency_id=application.agency_id,
        region_id=application.mpp.region_id,
    )
    confidential = complaint_services.submit_complaint(
        complaint_services.Submission(
            kind="pengaduan",
            about="agency",
            title="Rahasia",
            text="Pungutan liar di loket.",
            mpp=application.mpp,
            agency=application.agency,
            is_confidential=True,
        ),
        reporter=citizen,
    )
    desk = User.objects.get(username=DESK_USERNAME)
    confidential = complaint_services.take_action(confidential, "verify", user=desk, kinds={DESK})
    public = complaint_services.submit_complaint(
        complaint_services.Submission(
            kind="pengaduan",
            about="agency",
            title="Antrean terlalu lama",
            text="Saya menunggu tiga jam.",
            mpp=application.mpp,
            agency=application.agency,
        ),
        reporter=citizen,
    )
    assert public.status == "submitted" and public.reporter_name == NAME
    return {"application": application, "confidential": confidential, "public": public}


def _personal_pages(found) -> list[tuple[str, str]]:
    """Pages beyond the route matrix where the citizen's traces are shown (method, url)."""
    confidential, public = found["confidential"], found["public"]
    return [
        ("get", f"/kelola/pengaduan/{confidential.pk}/"),
        ("get", f"/kelola/pengaduan/{public.pk}/"),
        ("api_get", f"/api/v1/complaints/{confidential.tracking_number}"),
        ("api_get", f"/api/v1/complaints/{public.tracking_number}"),
        ("get", f"/kelola/permohonan/{found['application'].pk}/"),
        ("get", "/akun/kerja/audit/"),
        ("get", "/pengaduan/"),
        ("get", f"/pengaduan/{public.tracking_number}/"),
        ("get", "/open311/v2/requests.json?jurisdiction_id=2171"),
        ("get", "/open311/v2/requests.xml?jurisdiction_id=2171"),
        ("get", f"/antrean/layar/{found['application'].mpp.slug}/"),
    ]


def _text(response) -> str:
    """The readable text of a response: HTML, JSON, CSV, XLSX cells, PDF text."""
    content = response.content if not response.streaming else b"".join(response.streaming_content)
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "pdf" in kind:
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    if zipfile.is_zipfile(io.BytesIO(content)):
        return ""
    return content.decode("utf-8", errors="replace")


def _signed_in(username: str) -> tuple[Client, dict]:
    user = User.objects.get(username=username)
    client = Client()
    login_staff(client, user)
    _token, raw = account_services.issue_token(user, second_factor=True)
    return client, {"Authorization": f"Bearer {raw}"}


def _get(client: Client, headers: dict, method: str, url: str):
    return client.get(url, headers=headers if method == "api_get" else {})


def _leaks(client, headers, pages) -> dict[str, list[str]]:
    leaks = {}
    for method, url in pages:
        response = _get(client, headers, method, url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        text = _text(response)
        found = [secret for secret in SECRETS if secret in text]
        if found:
            leaks[url] = found
    return leaks


@pytest.mark.parametrize("username", KEPT_FROM_IDENTITY)
def test_no_page_api_or_export_shows_the_citizen_to_a_role_kept_from_him(demo, username):  # noqa: F811
    found = _personal_data(demo)
    objects = _objects(demo)
    pages = [
        (method, url)
        for tenant in ("batam", "yogya")
        for method, url, _data in requests_for(objects[tenant]).values()
        if method in ("get", "api_get")
    ] + _personal_pages(found)
    client, headers = _signed_in(username)
    assert _leaks(client, headers, pages) == {}


def test_the_public_sees_no_reporter_anywhere(client, demo):  # noqa: F811
    found = _personal_data(demo)
    pages = [(m, u) for m, u in _personal_pages(found) if not u.startswith(("/kelola", "/akun"))]
    assert _leaks(client, {}, pages) == {}


def test_the_handlers_see_the_confidential_reporter(demo):  # noqa: F811
    """The desk and the agency handling it see the reporter of a confidential complaint (web and
    API): the generated test above cannot pass by hiding everything."""
    found = _personal_data(demo)
    confidential = found["confidential"]
    for username in (DESK_USERNAME, "petugas.dukcapil"):
        client, headers = _signed_in(username)
        page = client.get(f"/kelola/pengaduan/{confidential.pk}/").content.decode()
        assert NAME in page and EMAIL in page, username
        api = client.get(f"/api/v1/complaints/{confidential.tracking_number}", headers=headers)
        assert api.json()["reporter"] == NAME, username


@pytest.mark.parametrize("username", ["pengelola.batam", "admin.batam"])
def test_oversight_does_not_see_a_confidential_reporter(demo, username):  # noqa: F811
    found = _personal_data(demo)
    confidential = found["confidential"]
    client, headers = _signed_in(username)
    page = client.get(f"/kelola/pengaduan/{confidential.pk}/")
    assert page.status_code == 200
    assert NAME not in page.content.decode() and "Dirahasiakan" in page.content.decode()
    api = client.get(f"/api/v1/complaints/{confidential.tracking_number}", headers=headers)
    assert api.status_code == 200
    assert api.json()["reporter"] == "Dirahasiakan"


@pytest.mark.parametrize("username", ["pengelola.batam", "admin.batam"])
def test_oversight_sees_initials_of_an_ordinary_reporter(demo, username):  # noqa: F811
    found = _personal_data(demo)
    client, headers = _signed_in(username)
    page = client.get(f"/kelola/pengaduan/{found['public'].pk}/").content.decode()
    assert "B. S." in page and NAME not in page
    api = client.get(f"/api/v1/complaints/{found['public'].tracking_number}", headers=headers)
    assert api.json()["reporter"] == "B. S."


@pytest.mark.parametrize("username", ["pengelola.batam", "admin.batam"])
def test_oversight_case_history_masks_the_applicant(demo, username):  # noqa: F811
    found = _personal_data(demo)
    client, _headers = _signed_in(username)
    page = client.get(f"/kelola/permohonan/{found['application'].pk}/").content.decode()
    assert "Diajukan oleh pemohon" in page
    assert NAME not in page
    assert "B. S. (2171********0003)" in page
    officer, _headers = _signed_in("petugas.dukcapil")
    page = officer.get(f"/kelola/permohonan/{found['application'].pk}/").content.decode()
    assert page.count(NAME) >= 2  # the applicant line and his step in the history


def test_the_ministry_audit_log_shows_no_citizen_name_or_address(demo):  # noqa: F811
    _personal_data(demo)
    desk = User.objects.get(username=DESK_USERNAME)
    AuditEvent.objects.create(action=AuditAction.LOGIN, actor=desk, ip_address="192.0.2.7")
    AuditEvent.objects.create(action=AuditAction.LOGIN_FAILED, ip_address="203.0.113.99")
    client, _headers = _signed_in("admin.kemenpanrb")
    page = client.get("/akun/kerja/audit/").content.decode()
    assert NAME not in page and IP not in page and NIK not in page
    assert "Warga " in page  # the citizen as a pseudonym
    assert DESK_USERNAME in page and "192.0.2.7" in page  # staff actors and their addresses
    assert "203.0.113.0/24" in page and "203.0.113.99" not in page  # unknown actor: network only


def test_the_public_list_never_shows_the_reporter(client, demo):  # noqa: F811
    found = _personal_data(demo)
    page = client.get("/pengaduan/").content.decode()
    assert found["public"].title in page
    assert NAME not in page
    desk = User.objects.get(username=DESK_USERNAME)
    complaint_services.take_action(found["public"], "verify", user=desk, kinds={DESK})
    assert NAME not in client.get("/pengaduan/").content.decode()
    detail = client.get(f"/pengaduan/{found['public'].tracking_number}/").content.decode()
    assert NAME not in detail


def test_the_form_says_what_is_public_before_submission(client, demo):  # noqa: F811
    client.force_login(_citizen(), backend="mpp.accounts.backends.NikOrUsernameBackend")
    page = client.get("/pengaduan/baru/").content.decode()
    assert "Apa yang tampil untuk umum" in page
    assert "Tidak pernah tampil untuk umum: nama, NIK, surel, nomor telepon" in page
    assert page.index("Apa yang tampil untuk umum") < page.index('class="button">Kirim</button>')


def test_the_reporter_sees_their_own_name_in_the_api(demo):  # noqa: F811
    found = _personal_data(demo)
    citizen = _citizen()
    _token, raw = account_services.issue_token(citizen, second_factor=False)
    client = Client()
    api = client.get(
        f"/api/v1/complaints/{found['confidential'].tracking_number}",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert api.json()["reporter"] == NAME
    assert Complaint.objects.get(pk=found["confidential"].pk).is_confidential


def test_staff_notifications_carry_no_reporter(
    demo,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """The escalation to the MPP manager names the complaint, never its reporter (inbox, email,
    SMS are rendered from the notification's context)."""
    found = _personal_data(demo)
    public = found["public"]
    with django_capture_on_commit_callbacks(execute=True):  # told by the escalation's hook
        sweep(now=public.due_at + datetime.timedelta(hours=1))
    manager = User.objects.get(username="pengelola.batam")
    notes = Notification.objects.filter(recipient=manager, kind="complaint.escalated")
    assert notes.exists()
    stored = [str(n.context) for n in notes] + [
        f"{m.subject} {m.body}" for m in InboxMessage.objects.filter(recipient=manager)
    ]
    assert not [text for text in stored if any(secret in text for secret in SECRETS)]
