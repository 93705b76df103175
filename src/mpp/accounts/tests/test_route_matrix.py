"""Every staff page and API operation, as every demo role, against objects of two tenants.

The expected status of each request is written out in ``EXPECTED`` below (a table independent of the
policy), so a URL pattern or API operation added without an entry, or a policy change that alters
who gets what, fails this test. Each request runs in a savepoint that is rolled back, so a POST that
changes something (revoking a grant, publishing) does not affect the next request.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from mpp.accounts import services as account_services
from mpp.accounts.models import Invitation, RoleGrant, User
from mpp.cases.tests.factories import PDF_BYTES
from mpp.regions.models import CalendarOverride
from mpp.tenancy.models import AgencyPresence, MppNetwork

from .helpers import login_staff
from .test_duties import STAFF, _submitted, demo  # noqa: F401 - the demo fixture

pytestmark = pytest.mark.django_db

ROLES = ["citizen", *STAFF]  # the citizen applied for the Batam application
TENANTS = ("batam", "yogya")


def _patterns(patterns=None, prefix=""):
    for item in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(item, URLResolver):
            yield from _patterns(item.url_patterns, prefix + str(item.pattern))
        else:
            yield prefix + str(item.pattern), item


def staff_routes() -> set[str]:
    """Every URL pattern under /kelola/ and /akun/kerja/, and every API operation."""
    found = {route for route, _ in _patterns() if route.startswith(("kelola/", "akun/kerja/"))}
    from mpp.api.v1 import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            found.add(f"{method.upper()} {path}")
    return found


def _objects(demo):  # noqa: F811
    batam, yogya = demo["dukcapil"], demo["yogya"]
    for application in (batam, yogya):
        if application.documents.exists():
            continue
        document = application.documents.model(
            application=application,
            field="dokumen",
            original_name="a.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
        )
        from django.core.files.base import ContentFile

        document.file.save("upload", ContentFile(PDF_BYTES), save=False)
        document.save()
    queue = _queue_objects(batam, yogya)
    override = {
        code: CalendarOverride.objects.filter(region_id=code).first() for code in ("2171", "3471")
    }
    from mpp.catalog.models import SearchSynonym

    synonym, _created = SearchSynonym.objects.get_or_create(
        term="akte", defaults={"expansion": "akta"}
    )
    from mpp.monitoring import demo as monitoring_demo
    from mpp.monitoring.models import LocusReport
    from mpp.onboarding import demo as onboarding_demo
    from mpp.onboarding.models import ManagerDecree, OnboardingApplication

    onboarding_demo.load()
    monitoring_demo.load()
    onboarding = {
        code: {
            "locus": OnboardingApplication.objects.get(region_id=code),
            "report": LocusReport.objects.get(region_id=code),
            "decree": ManagerDecree.objects.filter(region_id=code).first(),
        }
        for code in ("2171", "3471")
    }
    complaints = {
        code: _forwarded_complaint(application)
        for code, application in (("2171", batam), ("3471", yogya))
    }
    return {
        "batam": {
            "app": batam, "doc": batam.documents.get(), "service": batam.service,
            "grant": RoleGrant.objects.get(user__username="petugas.dinkes"),
            "invitation": _invitation("disdukcapil-batam", "mpp-kota-batam"),
            "region": "2171", "override": override["2171"], **onboarding["2171"], **queue["batam"],
            "synonym": synonym,
            "complaint": complaints["2171"][0], "attachment": complaints["2171"][1],
            "client": complaints["2171"][2],
            "network": MppNetwork.objects.create(mpp=batam.mpp, network="36.66.1.0/28"),
            "managed_room": _room(batam.mpp),
        },
        "yogya": {
            "app": yogya, "doc": yogya.documents.get(), "service": yogya.service,
            "grant": RoleGrant.objects.get(user__username="petugas.yogya"),
            "invitation": _invitation("disdukcapil-yogyakarta", "mpp-kota-yogyakarta"),
            "region": "3471", "override": override["3471"], **onboarding["3471"], **queue["yogya"],
            "synonym": synonym,
            "complaint": complaints["3471"][0], "attachment": complaints["3471"][1],
            "client": complaints["3471"][2],
            "network": MppNetwork.objects.create(mpp=yogya.mpp, network="36.66.2.0/28"),
            "managed_room": _room(yogya.mpp),
        },
    }  # fmt: skip


def _room(mpp):
    """A room of the tenant's MPP, for the manager's room page."""
    from mpp.rooms.models import Room

    return Room.objects.create(mpp=mpp, name="Ruang matriks", kind="hall", capacity=10)


def _invitation(agency: str, mpp: str) -> Invitation:
    """An open invitation to an officer role, as a manager of that agency sends it."""
    from mpp.tenancy.models import MPP, Agency

    return Invitation.objects.create(
        role="officer", agency=Agency.objects.get(slug=agency), mpp=MPP.objects.get(slug=mpp),
        email="diundang@contoh.go.id", name="Diundang", token_hash=agency,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )  # fmt: skip


def _forwarded_complaint(application):
    """A complaint of the application's citizen about its agency, forwarded, with an attachment,
    and an Open311 client of the region."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mpp.complaints import demo as complaints_demo
    from mpp.complaints import services as complaint_services
    from mpp.complaints.models import Complaint, IntegrationClient

    complaints_demo.load()
    complaint = Complaint.objects.filter(mpp=application.mpp, title="Matriks").first()
    if complaint is None:
        complaint = complaint_services.submit_complaint(
            complaint_services.Submission(
                kind="pengaduan",
                about="agency",
                title="Matriks",
                text="Isi",
                mpp=application.mpp,
                agency=application.agency,
                attachments=[SimpleUploadedFile("a.pdf", PDF_BYTES)],
            ),
            reporter=application.applicant,
        )
        Complaint.objects.filter(pk=complaint.pk).update(status="forwarded")
        complaint.refresh_from_db()
    client, _raw = complaint_services.issue_api_key(
        name="Matriks", region=application.mpp.region, created_by=None
    )
    IntegrationClient.objects.exclude(pk=client.pk).filter(
        name="Matriks", region=application.mpp.region
    ).delete()
    return complaint, complaint.attachments.get(), client


def _queue_objects(batam, yogya) -> dict:
    """A queue and a counter for the service of each tenant's application (the Batam demo queue)."""
    from mpp.queueing import demo as queueing_demo
    from mpp.queueing.models import Counter, ServiceQueue

    queueing_demo.load()
    found = {}
    for tenant, application in (("batam", batam), ("yogya", yogya)):
        queue, _ = ServiceQueue.objects.get_or_create(
            service=application.service,
            defaults={"mpp": application.mpp, "agency": application.agency, "prefix": "Z"},
        )
        counter = Counter.objects.filter(mpp=application.mpp, agency=application.agency).first()
        if counter is None:
            counter = Counter.objects.create(
                mpp=application.mpp, agency=application.agency, number=9
            )
        counter.queues.add(queue)
        found[tenant] = {"queue": queue, "counter": counter, "assistance": _assistance(queue)}
    return found


def _assistance(queue):
    """A walk-in of ``queue`` today that asked for a wheelchair (its request, still open)."""
    from mpp.queueing.models import AssistanceRequest, Channel, Ticket

    ticket = Ticket.objects.create(
        mpp=queue.mpp, agency=queue.agency, service=queue.service, queue=queue,
        channel=Channel.WALK_IN, date=datetime.date(2026, 12, 7), number=901,
        code=f"{queue.prefix}-901", booking_code=f"MATRA{queue.pk:05d}",
        token=f"matriks-bantuan-{queue.pk}", status="waiting", priority=True,
    )  # fmt: skip
    return AssistanceRequest.objects.create(
        ticket=ticket, kind="kursi_roda", mpp=queue.mpp, agency=queue.agency,
        service=queue.service, date=ticket.date, status="open",
    )  # fmt: skip


def requests_for(o) -> dict[str, tuple[str, str, dict]]:
    """route → (method, url, data) for one tenant's objects ``o``."""
    app, doc, service = o["app"].pk, o["doc"].pk, o["service"].pk
    complaint = o["complaint"]
    api = "/api/v1"
    override = o["override"].pk if o["override"] else 999999
    mpp, counter, queue = o["app"].mpp_id, o["counter"].pk, o["queue"].pk
    hours_unit = AgencyPresence.objects.get(mpp=o["app"].mpp_id, agency=o["app"].agency_id).pk
    locus, report = o["locus"].pk, o["report"].pk
    decree = o["decree"].pk if o["decree"] else 999999
    period = o["report"].period_id
    return {
        "kelola/penerapan/": ("get", "/kelola/penerapan/", {}),
        "kelola/penerapan/ajukan/": ("get", "/kelola/penerapan/ajukan/", {}),
        "kelola/penerapan/rubrik/": ("get", "/kelola/penerapan/rubrik/", {}),
        "kelola/penerapan/sk/": ("get", "/kelola/penerapan/sk/", {}),
        "kelola/penerapan/sk/<id:pk>/berkas/": ("get", f"/kelola/penerapan/sk/{decree}/berkas/", {}),
        "kelola/penerapan/<id:pk>/": ("get", f"/kelola/penerapan/{locus}/", {}),
        "kelola/penerapan/<id:pk>/tindakan/": (
            "post", f"/kelola/penerapan/{locus}/tindakan/", {"action": "probation", "reason": "x"}
        ),
        "kelola/penerapan/<id:pk>/berkas/<str:which>/": ("get", f"/kelola/penerapan/{locus}/berkas/surat/", {}),
        "kelola/monev/": ("get", "/kelola/monev/", {}),
        "GET /api/v1/monitoring/periods/{period_id}/matrix": (
            "api_get", f"{api}/monitoring/periods/{period}/matrix", {}
        ),
        "kelola/monev/periode/baru/": ("get", "/kelola/monev/periode/baru/", {}),
        "kelola/monev/periode/<id:pk>/": ("get", f"/kelola/monev/periode/{period}/", {}),
        "kelola/monev/periode/<id:pk>/ekspor/<str:fmt>/": ("get", f"/kelola/monev/periode/{period}/ekspor/csv/", {}),
        "kelola/monev/laporan/<id:pk>/": ("get", f"/kelola/monev/laporan/{report}/", {}),
        "kelola/monev/laporan/<id:pk>/tindakan/": (
            "post", f"/kelola/monev/laporan/{report}/tindakan/", {"action": "save"}
        ),
        "kelola/monev/laporan/<id:pk>/laporan.pdf": ("get", f"/kelola/monev/laporan/{report}/laporan.pdf", {}),
        "kelola/monev/laporan/<id:pk>/rincian/<str:measure>/": (
            "get", f"/kelola/monev/laporan/{report}/rincian/population_applicants/", {}
        ),
        "kelola/layanan/": ("get", "/kelola/layanan/", {}),
        "kelola/layanan/baru/": ("get", "/kelola/layanan/baru/", {}),
        "kelola/layanan/templat/": ("get", "/kelola/layanan/templat/", {}),
        "kelola/layanan/<id:pk>/": ("get", f"/kelola/layanan/{service}/", {}),
        "kelola/layanan/<id:pk>/draf/baru/": ("post", f"/kelola/layanan/{service}/draf/baru/", {}),
        "kelola/layanan/<id:pk>/draf/": ("get", f"/kelola/layanan/{service}/draf/", {}),
        "kelola/layanan/<id:pk>/draf/pratinjau/": ("get", f"/kelola/layanan/{service}/draf/pratinjau/", {}),
        "kelola/layanan/<id:pk>/terbitkan/": ("get", f"/kelola/layanan/{service}/terbitkan/", {}),
        "kelola/layanan/<id:pk>/hentikan/": ("get", f"/kelola/layanan/{service}/hentikan/", {}),
        "kelola/layanan/<id:pk>/riwayat/": ("get", f"/kelola/layanan/{service}/riwayat/", {}),
        "kelola/layanan/<id:pk>/draf/formulir/": ("get", f"/kelola/layanan/{service}/draf/formulir/", {}),
        "kelola/layanan/<id:pk>/draf/formulir/json/": ("get", f"/kelola/layanan/{service}/draf/formulir/json/", {}),
        "kelola/sinonim-pencarian/": ("get", "/kelola/sinonim-pencarian/", {}),
        "kelola/jam-layanan/": ("get", "/kelola/jam-layanan/", {}),
        "kelola/jam-layanan/mpp/<id:pk>/": ("get", f"/kelola/jam-layanan/mpp/{mpp}/", {}),
        "kelola/jam-layanan/loket/<id:pk>/": ("get", f"/kelola/jam-layanan/loket/{hours_unit}/", {}),
        "kelola/sinonim-pencarian/<id:pk>/hapus/": ("post", f"/kelola/sinonim-pencarian/{o['synonym'].pk}/hapus/", {}),
        "akun/kerja/": ("get", "/akun/kerja/", {}),
        "akun/kerja/audit/": ("get", "/akun/kerja/audit/", {}),
        "akun/kerja/peran/": ("get", "/akun/kerja/peran/", {}),
        "akun/kerja/jaringan/": ("get", "/akun/kerja/jaringan/", {}),
        "akun/kerja/jaringan/<id:pk>/hapus/": ("post", f"/akun/kerja/jaringan/{o['network'].pk}/hapus/", {}),
        "akun/kerja/peran/<id:grant_id>/cabut/": ("post", f"/akun/kerja/peran/{o['grant'].pk}/cabut/", {}),
        "akun/kerja/peran/undangan/<id:invitation_id>/kirim-ulang/": ("post", f"/akun/kerja/peran/undangan/{o['invitation'].pk}/kirim-ulang/", {}),
        "akun/kerja/peran/undangan/<id:invitation_id>/batalkan/": ("post", f"/akun/kerja/peran/undangan/{o['invitation'].pk}/batalkan/", {}),
        "kelola/kalender/": ("get", "/kelola/kalender/", {}),
        "kelola/kalender/<str:code>/<id:year>/": ("get", f"/kelola/kalender/{o['region']}/2026/", {}),
        "kelola/kalender/<str:code>/pengecualian/<id:pk>/hapus/": (
            "post", f"/kelola/kalender/{o['region']}/pengecualian/{override}/hapus/", {}
        ),
        "kelola/permohonan/": ("get", "/kelola/permohonan/", {}),
        "kelola/permohonan/loket/": ("get", "/kelola/permohonan/loket/", {}),
        "kelola/permohonan/<id:pk>/": ("get", f"/kelola/permohonan/{app}/", {}),
        "kelola/permohonan/<id:pk>/tindakan/": (
            "post", f"/kelola/permohonan/{app}/tindakan/", {"action": "claim", "version": o["app"].version}
        ),
        "kelola/permohonan/<id:pk>/catatan/": ("post", f"/kelola/permohonan/{app}/catatan/", {"text": "x"}),
        "kelola/penanda-tangan/": ("get", "/kelola/penanda-tangan/", {}),
        "kelola/penanda-tangan/<id:pk>/": ("get", f"/kelola/penanda-tangan/{o['service'].agency_id}/", {}),
        "kelola/permohonan/<id:pk>/tolak/": ("get", f"/kelola/permohonan/{app}/tolak/", {}),
        "kelola/permohonan/<id:pk>/terbitkan/": ("get", f"/kelola/permohonan/{app}/terbitkan/", {}),
        "kelola/permohonan/<id:pk>/terbitkan-ulang/": ("get", f"/kelola/permohonan/{app}/terbitkan-ulang/", {}),
        "kelola/permohonan/<id:pk>/berkas/<id:document_pk>/": ("get", f"/kelola/permohonan/{app}/berkas/{doc}/", {}),
        "kelola/permohonan/<id:pk>/dokumen.pdf": ("get", f"/kelola/permohonan/{app}/dokumen.pdf", {}),
        "kelola/permohonan/<id:pk>/langkah/<id:number>/": ("get", f"/kelola/permohonan/{app}/langkah/1/", {}),
        "kelola/permohonan/<id:pk>/periksa/": ("get", f"/kelola/permohonan/{app}/periksa/", {}),
        "kelola/permohonan/<id:pk>/terkirim/": ("get", f"/kelola/permohonan/{app}/terkirim/", {}),
        "kelola/dasbor/": ("get", "/kelola/dasbor/", {}),
        "kelola/dasbor/nasional/": ("get", "/kelola/dasbor/nasional/", {}),
        "kelola/dasbor/nasional/ekspor/<slug:table>.<slug:fmt>": (
            "get", "/kelola/dasbor/nasional/ekspor/provinsi.csv", {}
        ),
        "kelola/dasbor/wilayah/<str:code>/": ("get", f"/kelola/dasbor/wilayah/{o['region']}/", {}),
        "kelola/dasbor/wilayah/<str:code>/ekspor/<slug:table>.<slug:fmt>": (
            "get", f"/kelola/dasbor/wilayah/{o['region']}/ekspor/mpp.xlsx", {}
        ),
        "kelola/dasbor/mpp/<id:pk>/": ("get", f"/kelola/dasbor/mpp/{o['app'].mpp_id}/", {}),
        "kelola/dasbor/mpp/<id:pk>/ekspor/<slug:table>.<slug:fmt>": (
            "get", f"/kelola/dasbor/mpp/{o['app'].mpp_id}/ekspor/instansi.csv", {}
        ),
        "GET /api/v1/open-data/mpps/{mpp_id}": ("api_get", f"{api}/open-data/mpps/{o['app'].mpp_id}", {}),
        "GET /api/v1/open-data/mpps/{mpp_id}/community": ("api_get", f"{api}/open-data/mpps/{o['app'].mpp_id}/community", {}),
        "POST /api/v1/auth/token": ("api_post", f"{api}/auth/token", {"username": "x", "password": "y"}),
        "DELETE /api/v1/auth/token": ("api_delete", f"{api}/auth/token", {}),
        "POST /api/v1/citizens": ("api_post", f"{api}/citizens", {}),
        "GET /api/v1/me": ("api_get", f"{api}/me", {}),
        "POST /api/v1/applications": ("api_post", f"{api}/applications", {"service": service}),
        "GET /api/v1/applications": ("api_get", f"{api}/applications", {}),
        "PATCH /api/v1/applications/{application_id}": (
            "api_patch", f"{api}/applications/{app}", {"data": {}}
        ),
        "GET /api/v1/applications/{application_id}": ("api_get", f"{api}/applications/{app}", {}),
        "POST /api/v1/applications/{application_id}/documents": (
            "api_post", f"{api}/applications/{app}/documents", {}
        ),
        "POST /api/v1/applications/{application_id}/submit": (
            "api_post", f"{api}/applications/{app}/submit", {}
        ),
        "POST /api/v1/applications/{application_id}/actions": (
            "api_post",
            f"{api}/applications/{app}/actions",
            {"action": "claim", "version": o["app"].version},
        ),
        "GET /api/v1/applications/{application_id}/document": (
            "api_get", f"{api}/applications/{app}/document", {}
        ),
        "GET /api/v1/mpps": ("api_get", f"{api}/mpps", {}),
        "GET /api/v1/mpps/{mpp_id}": ("api_get", f"{api}/mpps/{o['app'].mpp_id}", {}),
        "GET /api/v1/agencies": ("api_get", f"{api}/agencies", {}),
        "GET /api/v1/services": ("api_get", f"{api}/services", {}),
        "GET /api/v1/services/{service_id}": ("api_get", f"{api}/services/{service}", {}),
        "GET /api/v1/verify/{code}": ("api_get", f"{api}/verify/TIDAKADA", {}),
        "GET /api/v1/me/messages": ("api_get", f"{api}/me/messages", {}),
        "POST /api/v1/me/messages/{message_id}/read": ("api_post", f"{api}/me/messages/999/read", {}),
        "kelola/pengaduan/": ("get", "/kelola/pengaduan/", {}),
        "kelola/pengaduan/templat/": ("get", "/kelola/pengaduan/templat/", {}),
        "kelola/pengaduan/statistik/": ("get", "/kelola/pengaduan/statistik/", {}),
        "kelola/pengaduan/integrasi/": ("get", "/kelola/pengaduan/integrasi/", {}),
        "kelola/pengaduan/integrasi/<id:pk>/cabut/": ("post", f"/kelola/pengaduan/integrasi/{o['client'].pk}/cabut/", {}),
        "kelola/integrasi/": ("get", "/kelola/integrasi/", {}),
        "kelola/integrasi/<str:connector>/<str:region>/": (
            "get", f"/kelola/integrasi/dukcapil.nik/{o['region']}/", {}
        ),
        "kelola/pengaduan/<id:pk>/": ("get", f"/kelola/pengaduan/{complaint.pk}/", {}),
        "kelola/pengaduan/<id:pk>/tindakan/": (
            "post", f"/kelola/pengaduan/{complaint.pk}/tindakan/",
            {"action": "respond", "version": complaint.version, "note": "Tanggapan"},
        ),
        "kelola/pengaduan/<id:pk>/catatan/": ("post", f"/kelola/pengaduan/{complaint.pk}/catatan/", {"text": "x"}),
        "kelola/pengaduan/<id:pk>/kirim-ulang-lapor/": ("post", f"/kelola/pengaduan/{complaint.pk}/kirim-ulang-lapor/", {}),
        "kelola/pengaduan/<id:pk>/lampiran/<id:attachment_pk>/": (
            "get", f"/kelola/pengaduan/{complaint.pk}/lampiran/{o['attachment'].pk}/", {}
        ),
        "POST /api/v1/complaints": ("api_post", f"{api}/complaints", {}),
        "GET /api/v1/complaints": ("api_get", f"{api}/complaints", {}),
        "GET /api/v1/complaints/{tracking_number}": ("api_get", f"{api}/complaints/{complaint.tracking_number}", {}),
        "POST /api/v1/complaints/{tracking_number}/actions": (
            "api_post", f"{api}/complaints/{complaint.tracking_number}/actions",
            {"action": "respond", "version": complaint.version, "note": "Tanggapan"},
        ),
        "kelola/antrean/": ("get", "/kelola/antrean/", {}),
        "kelola/antrean/<id:mpp_id>/": ("get", f"/kelola/antrean/{mpp}/", {}),
        "kelola/antrean/<id:mpp_id>/layanan/<id:service_id>/": ("get", f"/kelola/antrean/{mpp}/layanan/{service}/", {}),
        "kelola/antrean/<id:mpp_id>/loket/baru/": ("get", f"/kelola/antrean/{mpp}/loket/baru/", {}),
        "kelola/antrean/<id:mpp_id>/loket/<id:pk>/": ("get", f"/kelola/antrean/{mpp}/loket/{counter}/", {}),
        "kelola/antrean/<id:mpp_id>/aturan/": ("get", f"/kelola/antrean/{mpp}/aturan/", {}),
        "kelola/perangkat/": ("get", "/kelola/perangkat/", {}),
        "kelola/ruang/": ("get", "/kelola/ruang/", {}),
        "kelola/ruang/<id:mpp_id>/": ("get", f"/kelola/ruang/{mpp}/", {}),
        "kelola/ruang/ruang/<id:pk>/": ("get", f"/kelola/ruang/ruang/{o['managed_room'].pk}/", {}),
        "kelola/kegiatan/": ("get", "/kelola/kegiatan/", {}),
        "kelola/kegiatan/baru/<id:mpp_id>/": ("get", f"/kelola/kegiatan/baru/{mpp}/", {}),
        "kelola/kegiatan/<id:pk>/": ("get", "/kelola/kegiatan/999999/", {}),
        "kelola/kegiatan/<id:pk>/ubah/": ("get", "/kelola/kegiatan/999999/ubah/", {}),
        "kelola/kegiatan/<id:pk>/batal/": ("post", "/kelola/kegiatan/999999/batal/", {}),
        "kelola/perangkat/<id:mpp_id>/": ("get", f"/kelola/perangkat/{mpp}/", {}),
        "kelola/perangkat/<id:mpp_id>/<id:pk>/ganti-token/": ("post", f"/kelola/perangkat/{mpp}/999999/ganti-token/", {}),
        "kelola/perangkat/<id:mpp_id>/<id:pk>/cabut/": ("post", f"/kelola/perangkat/{mpp}/999999/cabut/", {}),
        "kelola/antrean/<id:mpp_id>/statistik/": ("get", f"/kelola/antrean/{mpp}/statistik/", {}),
        "kelola/antrean/loket/<id:pk>/": ("get", f"/kelola/antrean/loket/{counter}/", {}),
        "kelola/antrean/loket/<id:pk>/tindakan/": ("post", f"/kelola/antrean/loket/{counter}/tindakan/", {"action": "call_next"}),
        "kelola/antrean/loket/<id:pk>/pindah-layanan/": ("post", f"/kelola/antrean/loket/{counter}/pindah-layanan/", {"code": "TIDAKADA"}),
        "kelola/pendampingan/": ("get", "/kelola/pendampingan/", {}),
        "kelola/pendampingan/<id:mpp_id>/": ("get", f"/kelola/pendampingan/{mpp}/", {}),
        "kelola/pendampingan/permintaan/<id:pk>/": (
            "post", f"/kelola/pendampingan/permintaan/{o['assistance'].pk}/", {"outcome": "met"}
        ),
        "GET /api/v1/queue/services": ("api_get", f"{api}/queue/services", {}),
        "GET /api/v1/activities": ("api_get", f"{api}/activities", {}),
        "GET /api/v1/activities/{activity_id}": ("api_get", f"{api}/activities/999999", {}),
        "GET /api/v1/me/activities/registrations": ("api_get", f"{api}/me/activities/registrations", {}),
        "POST /api/v1/me/activities/registrations": ("api_post", f"{api}/me/activities/registrations", {}),
        "POST /api/v1/me/activities/registrations/{registration_id}/cancel": ("api_post", f"{api}/me/activities/registrations/999999/cancel", {}),
        "GET /api/v1/mpps/{mpp_id}/rooms": ("api_get", f"{api}/mpps/{o['app'].mpp_id}/rooms", {}),
        "GET /api/v1/me/room-bookings": ("api_get", f"{api}/me/room-bookings", {}),
        "GET /api/v1/queue/services/{queue_id}/slots": ("api_get", f"{api}/queue/services/{queue}/slots?date=2026-12-07", {}),
        "GET /api/v1/queue/mpps/{mpp_id}/waits": ("api_get", f"{api}/queue/mpps/{mpp}/waits", {}),
        "GET /api/v1/queue/mpps/{mpp_id}/statistics": ("api_get", f"{api}/queue/mpps/{mpp}/statistics?start=2026-12-01&end=2026-12-07", {}),
        "POST /api/v1/me/queue/bookings": ("api_post", f"{api}/me/queue/bookings", {}),
        "GET /api/v1/me/queue/bookings": ("api_get", f"{api}/me/queue/bookings", {}),
        "POST /api/v1/me/queue/bookings/{booking_id}/cancel": ("api_post", f"{api}/me/queue/bookings/999999/cancel", {}),
        "POST /api/v1/me/queue/bookings/{booking_id}/reschedule": ("api_post", f"{api}/me/queue/bookings/999999/reschedule", {}),
        **_survey_requests(o, api),
    }  # fmt: skip


def _survey_requests(o, api: str) -> dict[str, tuple[str, str, dict]]:
    mpp, service = f"mpp:{o['app'].mpp_id}", f"service:{o['service'].pk}"
    presence = f"agency:{o['app'].agency_id}@{o['app'].mpp_id}"
    period = "start=2026-01-01&end=2026-12-31"
    return {
        "kelola/skm/": ("get", "/kelola/skm/", {}),
        "kelola/skm/laporan/": ("get", f"/kelola/skm/laporan/?unit={mpp}", {}),
        "kelola/skm/laporan.xlsx": ("get", f"/kelola/skm/laporan.xlsx?unit={mpp}", {}),
        "kelola/skm/laporan.pdf": ("get", f"/kelola/skm/laporan.pdf?unit={mpp}", {}),
        "kelola/skm/petugas/": ("get", f"/kelola/skm/petugas/?unit={presence}", {}),
        "kelola/skm/saran/<id:pk>/tindak-lanjut/": (
            "post", "/kelola/skm/saran/999999/tindak-lanjut/", {"unit": mpp, "text": "x"}
        ),
        "kelola/skm/perbaikan/": ("post", "/kelola/skm/perbaikan/", {"unit": mpp, "text": "x"}),
        "kelola/skm/kuesioner/": ("get", f"/kelola/skm/kuesioner/?unit={service}", {}),
        "kelola/skm/kuesioner/adopsi/": ("post", "/kelola/skm/kuesioner/adopsi/", {"unit": service}),
        "kelola/skm/kuesioner/bobot/": ("post", "/kelola/skm/kuesioner/bobot/", {"unit": service}),
        "kelola/skm/kios/": ("get", "/kelola/skm/kios/", {}),
        "kelola/skm/kios/<id:pk>/": ("get", "/kelola/skm/kios/999999/", {}),
        "kelola/skm/kios/<id:pk>/batalkan/": ("post", "/kelola/skm/kios/999999/batalkan/", {}),
        "POST /api/v1/skm/responses": ("api_post", f"{api}/skm/responses", {}),
        "GET /api/v1/skm/ikm": ("api_get", f"{api}/skm/ikm?unit={mpp}&{period}", {}),
        "GET /api/v1/skm/ikm/officers": ("api_get", f"{api}/skm/ikm/officers?unit={presence}&{period}", {}),
    }  # fmt: skip


def _send(client: Client, headers: dict, method: str, url: str, data: dict) -> int:
    with transaction.atomic():
        if method == "get":
            status = client.get(url).status_code
        elif method == "post":
            status = client.post(url, data).status_code
        elif method == "api_get":
            status = client.get(url, headers=headers).status_code
        elif method == "api_delete":
            status = client.delete(url, headers=headers).status_code
        else:
            call = client.post if method == "api_post" else client.patch
            status = call(url, data, content_type="application/json", headers=headers).status_code
        transaction.set_rollback(True)
    return status


def observed(demo, role: str) -> dict[str, tuple[int, ...]]:  # noqa: F811
    objects = _objects(demo)
    if role == "citizen":
        user = User.objects.get(nik="2171011508900003")
        client = Client()
        client.force_login(user, backend="mpp.accounts.backends.NikOrUsernameBackend")
    else:
        user = User.objects.get(username=role)
        client = Client()
        login_staff(client, user)
    _token, raw = account_services.issue_token(user, second_factor=user.is_staff_member)
    headers = {"Authorization": f"Bearer {raw}"}
    result: dict[str, list[int]] = {}
    for tenant in TENANTS:
        for route, (method, url, data) in requests_for(objects[tenant]).items():
            result.setdefault(route, []).append(_send(client, headers, method, url, data))
    return {route: tuple(statuses) for route, statuses in result.items()}


def test_every_staff_route_has_an_entry(demo):  # noqa: F811
    objects = _objects(demo)
    assert staff_routes() - {"GET /api/v1/openapi.json"} <= set(requests_for(objects["batam"]))
    assert set(EXPECTED) == set(requests_for(objects["batam"]))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_everywhere(demo, role):  # noqa: F811
    seen = observed(demo, role)
    wrong = {
        route: (statuses, EXPECTED[route][role])
        for route, statuses in seen.items()
        if statuses != EXPECTED[route][role]
    }
    assert not wrong, wrong


# Columns: citizen, petugas.dukcapil, petugas.dinkes, admin.dukcapil, admin.dinkes, pengelola.batam, admin.batam, petugas.yogya, admin.kemenpanrb, analis.kemenpanrb.
# Each cell: (status against the Batam object, status against the Yogyakarta object).
_COLUMNS = (
    "citizen",
    "petugas.dukcapil",
    "petugas.dinkes",
    "admin.dukcapil",
    "admin.dinkes",
    "pengelola.batam",
    "admin.batam",
    "petugas.yogya",
    "admin.kemenpanrb",
    "analis.kemenpanrb",
)
_TABLE = {
    'GET /api/v1/monitoring/periods/{period_id}/matrix': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (403, 403), (200, 200), (200, 200)],
    'kelola/penerapan/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403), (200, 200), (200, 200)],
    'kelola/penerapan/ajukan/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403), (403, 403), (403, 403)],
    'kelola/penerapan/rubrik/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403)],
    'kelola/penerapan/sk/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403), (200, 200), (200, 200)],
    'kelola/penerapan/sk/<id:pk>/berkas/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (403, 403), (200, 404), (200, 404)],
    'kelola/penerapan/<id:pk>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/penerapan/<id:pk>/tindakan/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 404), (403, 403), (302, 302), (403, 403)],
    'kelola/penerapan/<id:pk>/berkas/<str:which>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/monev/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (403, 403), (200, 200), (200, 200)],
    'kelola/monev/periode/baru/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403)],
    'kelola/monev/periode/<id:pk>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (403, 403), (200, 200), (200, 200)],
    'kelola/monev/periode/<id:pk>/ekspor/<str:fmt>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (403, 403), (200, 200), (200, 200)],
    'kelola/monev/laporan/<id:pk>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/monev/laporan/<id:pk>/tindakan/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 404), (302, 404), (403, 403), (403, 403), (403, 403)],
    'kelola/monev/laporan/<id:pk>/laporan.pdf': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/monev/laporan/<id:pk>/rincian/<str:measure>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/layanan/': [(403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (403, 403)],
    'kelola/layanan/baru/': [(403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (403, 403)],
    'kelola/layanan/templat/': [(403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (403, 403)],
    'kelola/layanan/<id:pk>/': [(403, 403), (403, 403), (403, 403), (200, 404), (404, 404), (200, 404), (200, 404), (403, 403), (200, 200), (403, 403)],
    'kelola/layanan/<id:pk>/draf/baru/': [(403, 403), (403, 403), (403, 403), (302, 404), (404, 404), (302, 404), (302, 404), (403, 403), (302, 302), (403, 403)],
    'kelola/layanan/<id:pk>/draf/': [(403, 403), (403, 403), (403, 403), (302, 404), (404, 404), (302, 404), (302, 404), (403, 403), (302, 302), (403, 403)],
    'kelola/layanan/<id:pk>/draf/formulir/': [(403, 403), (403, 403), (403, 403), (302, 404), (404, 404), (302, 404), (302, 404), (403, 403), (302, 302), (403, 403)],
    'kelola/layanan/<id:pk>/draf/formulir/json/': [(403, 403), (403, 403), (403, 403), (302, 404), (404, 404), (302, 404), (302, 404), (403, 403), (302, 302), (403, 403)],
    'kelola/sinonim-pencarian/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403)],
    'kelola/sinonim-pencarian/<id:pk>/hapus/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 302), (403, 403)],
    'kelola/jam-layanan/': [(403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (403, 403)],
    'kelola/jam-layanan/mpp/<id:pk>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (200, 404), (403, 403), (200, 200), (403, 403)],
    'kelola/jam-layanan/loket/<id:pk>/': [(403, 403), (403, 403), (403, 403), (200, 404), (404, 404), (200, 404), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/layanan/<id:pk>/draf/pratinjau/': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (404, 404), (403, 403)],
    'kelola/layanan/<id:pk>/terbitkan/': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (404, 404), (403, 403)],
    'kelola/layanan/<id:pk>/hentikan/': [(403, 403), (403, 403), (403, 403), (200, 404), (404, 404), (200, 404), (200, 404), (403, 403), (200, 200), (403, 403)],
    'kelola/layanan/<id:pk>/riwayat/': [(403, 403), (403, 403), (403, 403), (200, 404), (404, 404), (200, 404), (200, 404), (403, 403), (200, 200), (403, 403)],
    'akun/kerja/': [(403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'akun/kerja/audit/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403)],
    'akun/kerja/jaringan/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (403, 403), (200, 200), (403, 403)],
    'akun/kerja/jaringan/<id:pk>/hapus/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 404), (302, 404), (403, 403), (302, 302), (403, 403)],
    'akun/kerja/peran/': [(403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (403, 403)],
    'akun/kerja/peran/<id:grant_id>/cabut/': [(403, 403), (403, 403), (403, 403), (404, 404), (302, 404), (302, 404), (302, 404), (403, 403), (302, 302), (403, 403)],
    'akun/kerja/peran/undangan/<id:invitation_id>/kirim-ulang/': [(403, 403), (403, 403), (403, 403), (302, 404), (404, 404), (302, 404), (302, 404), (403, 403), (302, 302), (403, 403)],
    'akun/kerja/peran/undangan/<id:invitation_id>/batalkan/': [(403, 403), (403, 403), (403, 403), (302, 404), (404, 404), (302, 404), (302, 404), (403, 403), (302, 302), (403, 403)],
    'kelola/kalender/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 302), (403, 403), (200, 200), (403, 403)],
    'kelola/kalender/<str:code>/<id:year>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 403), (403, 403), (200, 200), (403, 403)],
    'kelola/kalender/<str:code>/pengecualian/<id:pk>/hapus/': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'kelola/permohonan/': [(403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (403, 403)],
    'kelola/permohonan/loket/': [(403, 403), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/': [(403, 403), (200, 404), (404, 404), (200, 404), (404, 404), (200, 404), (200, 404), (404, 200), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/tindakan/': [(403, 403), (302, 404), (404, 404), (403, 404), (404, 404), (403, 404), (403, 404), (404, 302), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/catatan/': [(403, 403), (302, 404), (404, 404), (302, 404), (404, 404), (403, 404), (403, 404), (404, 302), (403, 403), (403, 403)],
    'kelola/penanda-tangan/': [(403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (403, 403)],
    'kelola/penanda-tangan/<id:pk>/': [(403, 403), (403, 403), (403, 403), (200, 404), (404, 404), (200, 404), (200, 404), (403, 403), (200, 200), (403, 403)],
    'kelola/permohonan/<id:pk>/tolak/': [(403, 403), (200, 404), (404, 404), (302, 404), (404, 404), (302, 404), (302, 404), (404, 200), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/terbitkan/': [(403, 403), (302, 404), (404, 404), (302, 404), (404, 404), (302, 404), (302, 404), (404, 302), (403, 403), (403, 403)],
    # Re-issue: the deciding officer is sent back (nothing issued yet); who never decides, 403.
    'kelola/permohonan/<id:pk>/terbitkan-ulang/': [(403, 403), (302, 404), (404, 404), (403, 404), (404, 404), (403, 404), (403, 404), (404, 302), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/berkas/<id:document_pk>/': [(403, 403), (200, 404), (404, 404), (200, 404), (404, 404), (404, 404), (404, 404), (404, 200), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/dokumen.pdf': [(403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/langkah/<id:number>/': [(403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/periksa/': [(403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (403, 403)],
    'kelola/permohonan/<id:pk>/terkirim/': [(403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (403, 403)],
    'kelola/dasbor/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 302), (200, 200), (403, 403), (302, 302), (302, 302)],
    'kelola/dasbor/nasional/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)],
    'kelola/dasbor/nasional/ekspor/<slug:table>.<slug:fmt>': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)],
    'kelola/dasbor/wilayah/<str:code>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (404, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/dasbor/wilayah/<str:code>/ekspor/<slug:table>.<slug:fmt>': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (404, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/dasbor/mpp/<id:pk>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/dasbor/mpp/<id:pk>/ekspor/<slug:table>.<slug:fmt>': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'GET /api/v1/open-data/mpps/{mpp_id}': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/open-data/mpps/{mpp_id}/community': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'POST /api/v1/auth/token': [(401, 401), (401, 401), (401, 401), (401, 401), (401, 401), (401, 401), (401, 401), (401, 401), (401, 401), (401, 401)],
    'DELETE /api/v1/auth/token': [(204, 204), (204, 204), (204, 204), (204, 204), (204, 204), (204, 204), (204, 204), (204, 204), (204, 204), (204, 204)],
    'POST /api/v1/citizens': [(422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422)],
    'GET /api/v1/me': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'POST /api/v1/applications': [(201, 201), (201, 201), (201, 201), (201, 201), (201, 201), (201, 201), (201, 201), (201, 201), (201, 201), (201, 201)],
    'GET /api/v1/applications': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'PATCH /api/v1/applications/{application_id}': [(409, 404), (403, 404), (404, 404), (403, 404), (404, 404), (403, 404), (403, 404), (404, 403), (404, 404), (404, 404)],
    'GET /api/v1/applications/{application_id}': [(200, 404), (200, 404), (404, 404), (200, 404), (404, 404), (200, 404), (200, 404), (404, 200), (404, 404), (404, 404)],
    'POST /api/v1/applications/{application_id}/documents': [(422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422)],
    'POST /api/v1/applications/{application_id}/submit': [(422, 404), (403, 404), (404, 404), (403, 404), (404, 404), (403, 404), (403, 404), (404, 403), (404, 404), (404, 404)],
    'POST /api/v1/applications/{application_id}/actions': [(403, 404), (200, 404), (404, 404), (403, 404), (404, 404), (403, 404), (403, 404), (404, 200), (404, 404), (404, 404)],
    'GET /api/v1/applications/{application_id}/document': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'GET /api/v1/mpps': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/mpps/{mpp_id}': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/agencies': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/services': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/services/{service_id}': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/verify/{code}': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'GET /api/v1/me/messages': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'POST /api/v1/me/messages/{message_id}/read': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'kelola/skm/': [(403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (200, 200)],
    'kelola/skm/laporan/': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/skm/laporan.xlsx': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/skm/laporan.pdf': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/skm/petugas/': [(403, 403), (403, 403), (403, 403), (200, 404), (404, 404), (200, 404), (404, 404), (403, 403), (404, 404), (404, 404)],
    'kelola/skm/saran/<id:pk>/tindak-lanjut/': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (404, 404), (404, 404)],
    'kelola/skm/perbaikan/': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (302, 404), (404, 404), (403, 403), (302, 302), (404, 404)],
    'kelola/skm/kuesioner/': [(403, 403), (403, 403), (403, 403), (200, 404), (404, 404), (200, 404), (200, 404), (403, 403), (200, 200), (200, 200)],
    'kelola/skm/kuesioner/adopsi/': [(403, 403), (403, 403), (403, 403), (302, 404), (404, 404), (302, 404), (404, 404), (403, 403), (302, 302), (404, 404)],
    'kelola/skm/kuesioner/bobot/': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (404, 404), (404, 404)],
    'kelola/skm/kios/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403), (403, 403), (200, 200), (403, 403)],
    'kelola/skm/kios/<id:pk>/': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (404, 404), (404, 404)],
    'kelola/skm/kios/<id:pk>/batalkan/': [(403, 403), (403, 403), (403, 403), (404, 404), (404, 404), (404, 404), (404, 404), (403, 403), (404, 404), (404, 404)],
    'POST /api/v1/skm/responses': [(422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422)],
    'GET /api/v1/skm/ikm': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (200, 404), (200, 404), (404, 404), (200, 200), (200, 200)],
    'GET /api/v1/skm/ikm/officers': [(404, 404), (404, 404), (404, 404), (200, 404), (404, 404), (200, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'kelola/pengaduan/': [(403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (403, 403)],
    'kelola/pengaduan/templat/': [(403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (403, 403), (200, 200), (403, 403), (403, 403)],
    'kelola/pengaduan/statistik/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)],
    'kelola/integrasi/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403), (200, 200), (403, 403)],
    'kelola/integrasi/<str:connector>/<str:region>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 403), (403, 403), (200, 200), (403, 403)],
    'kelola/pengaduan/integrasi/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (403, 403), (200, 200), (403, 403)],
    'kelola/pengaduan/integrasi/<id:pk>/cabut/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 404), (403, 403), (302, 302), (403, 403)],
    'kelola/pengaduan/<id:pk>/': [(403, 403), (200, 404), (404, 404), (200, 404), (404, 404), (200, 404), (200, 404), (404, 200), (403, 403), (403, 403)],
    'kelola/pengaduan/<id:pk>/tindakan/': [(403, 403), (302, 404), (404, 404), (302, 404), (404, 404), (403, 404), (403, 404), (404, 302), (403, 403), (403, 403)],
    'kelola/pengaduan/<id:pk>/catatan/': [(403, 403), (302, 404), (404, 404), (302, 404), (404, 404), (403, 404), (403, 404), (404, 302), (403, 403), (403, 403)],
    'kelola/pengaduan/<id:pk>/kirim-ulang-lapor/': [(403, 403), (403, 404), (404, 404), (403, 404), (404, 404), (403, 404), (403, 404), (404, 403), (403, 403), (403, 403)],
    'kelola/pengaduan/<id:pk>/lampiran/<id:attachment_pk>/': [(403, 403), (200, 404), (404, 404), (200, 404), (404, 404), (404, 404), (404, 404), (404, 200), (403, 403), (403, 403)],
    'POST /api/v1/complaints': [(422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422)],
    'GET /api/v1/complaints': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/complaints/{tracking_number}': [(200, 404), (200, 404), (404, 404), (200, 404), (404, 404), (200, 404), (200, 404), (404, 200), (404, 404), (404, 404)],
    'POST /api/v1/complaints/{tracking_number}/actions': [(403, 404), (200, 404), (404, 404), (200, 404), (404, 404), (403, 404), (403, 404), (404, 200), (404, 404), (404, 404)],
    'kelola/antrean/': [(403, 403), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'kelola/antrean/<id:mpp_id>/': [(403, 403), (403, 403), (403, 403), (200, 404), (200, 404), (200, 404), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/antrean/<id:mpp_id>/layanan/<id:service_id>/': [(403, 403), (403, 403), (403, 403), (200, 404), (403, 404), (200, 404), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/antrean/<id:mpp_id>/loket/baru/': [(403, 403), (403, 403), (403, 403), (200, 404), (200, 404), (200, 404), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/antrean/<id:mpp_id>/loket/<id:pk>/': [(403, 403), (403, 403), (403, 403), (200, 404), (404, 404), (200, 404), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/antrean/<id:mpp_id>/aturan/': [(403, 403), (403, 403), (403, 403), (403, 404), (403, 404), (200, 404), (403, 403), (403, 403), (403, 403), (403, 403)],
    # The MPP's devices (MANAGE_DEVICES: the MPP manager and the regional admin; another MPP: 403).
    # The MPP's rooms (MANAGE_ROOMS: the MPP manager only; another MPP: 403).
    'kelola/ruang/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 302), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/ruang/<id:mpp_id>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 403), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/ruang/ruang/<id:pk>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 403), (403, 403), (403, 403), (403, 403), (403, 403)],
    # Activities (MANAGE_ACTIVITIES: the MPP manager; an agency admin for its agency's activities).
    'kelola/kegiatan/': [(403, 403), (403, 403), (403, 403), (200, 200), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/kegiatan/baru/<id:mpp_id>/': [(403, 403), (403, 403), (403, 403), (200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/kegiatan/<id:pk>/': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'kelola/kegiatan/<id:pk>/ubah/': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'kelola/kegiatan/<id:pk>/batal/': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'kelola/perangkat/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 302), (302, 302), (403, 403), (403, 403), (403, 403)],
    'kelola/perangkat/<id:mpp_id>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/perangkat/<id:mpp_id>/<id:pk>/ganti-token/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (404, 403), (404, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/perangkat/<id:mpp_id>/<id:pk>/cabut/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (404, 403), (404, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/antrean/<id:mpp_id>/statistik/': [(403, 403), (403, 403), (403, 403), (200, 403), (200, 403), (200, 403), (200, 403), (403, 403), (200, 200), (200, 200)],
    'kelola/antrean/loket/<id:pk>/': [(403, 403), (200, 404), (404, 404), (403, 403), (403, 403), (403, 403), (403, 403), (404, 200), (403, 403), (403, 403)],
    'kelola/antrean/loket/<id:pk>/tindakan/': [(403, 403), (302, 404), (404, 404), (403, 403), (403, 403), (403, 403), (403, 403), (404, 302), (403, 403), (403, 403)],
    'kelola/antrean/loket/<id:pk>/pindah-layanan/': [(403, 403), (302, 404), (404, 404), (403, 403), (403, 403), (403, 403), (403, 403), (404, 302), (403, 403), (403, 403)],
    'kelola/pendampingan/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (302, 302), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/pendampingan/<id:mpp_id>/': [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 404), (403, 403), (403, 403), (403, 403), (403, 403)],
    'kelola/pendampingan/permintaan/<id:pk>/': [(403, 403), (302, 403), (403, 403), (403, 403), (403, 403), (302, 403), (403, 403), (403, 302), (403, 403), (403, 403)],
    'GET /api/v1/queue/services': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/activities': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/activities/{activity_id}': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'GET /api/v1/me/activities/registrations': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'POST /api/v1/me/activities/registrations': [(422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422)],
    'POST /api/v1/me/activities/registrations/{registration_id}/cancel': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'GET /api/v1/mpps/{mpp_id}/rooms': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/me/room-bookings': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/queue/services/{queue_id}/slots': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/queue/mpps/{mpp_id}/waits': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'GET /api/v1/queue/mpps/{mpp_id}/statistics': [(403, 403), (403, 403), (403, 403), (200, 403), (200, 403), (200, 403), (200, 403), (403, 403), (200, 200), (200, 200)],
    'POST /api/v1/me/queue/bookings': [(422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422)],
    'GET /api/v1/me/queue/bookings': [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)],
    'POST /api/v1/me/queue/bookings/{booking_id}/cancel': [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)],
    'POST /api/v1/me/queue/bookings/{booking_id}/reschedule': [(422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422), (422, 422)],
}  # fmt: skip
EXPECTED = {route: dict(zip(_COLUMNS, cells, strict=True)) for route, cells in _TABLE.items()}
