"""Every state-changing route, posted as every kind of caller, against objects of two tenants.

The routes are enumerated, not listed: every URL pattern whose view accepts a write (a function view
that reads ``request.POST``/``FILES``/``body``/``method`` or is ``require_POST``, directly or through
a helper of its module; a class-based view with ``post``/``put``/``patch``/``delete``; the Django
admin) and every non-GET operation of the ninja API's OpenAPI schema. Each must have a declaration
in ``WRITES``: who may write (a ``Perm`` of ``accounts/policy.py``, or one of the kinds of caller
below) and the object it acts on. The expected outcome of each (caller, object) pair is derived from
that declaration through the policy (``can``/``has_any`` over ``PERMISSION_ROLES``), never written
by hand:

- refused: 401, 403, 404 or 405, or a redirect to the sign-in page, and none of the project's rows
  created or deleted and the object's own row unchanged (compared before and after);
- allowed: anything but 401, 403 or a redirect to sign in (the data posted may still be found
  wanting, and a placeholder object not found);
- open to anyone (``ANYONE``): whatever the data (a code, a secret link) earns;
- never a 500, for anyone.

Each request runs in a savepoint that is rolled back, so the one fixture set serves every request.
See docs/architecture.md ("The write matrix") for how to declare a new route.
"""

from __future__ import annotations

import datetime
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from mpp.accounts import services as account_services
from mpp.accounts.models import Role, RoleGrant, User
from mpp.accounts.policy import Perm, can, can_revoke, has_any
from mpp.cases.tests.factories import PDF_BYTES
from mpp.regions.models import Region

from .helpers import login_staff
from .test_duties import demo  # noqa: F401 - the demo fixture
from .test_route_matrix import _objects, _patterns

pytestmark = pytest.mark.django_db

# Kinds of caller a declaration may name instead of a Perm.
ANYONE = "anyone"  # a public form (sign in, register, a guest complaint, a secret link)
SIGNED_IN = "signed_in"  # any signed-in person, on their own account (the view finds their rows)
OWNER = "owner"  # the citizen who owns the object (applicant, reporter, booking holder)
QUEUE_KIOSK = "queue_kiosk"  # the registered queue kiosk of the object's MPP
SKM_KIOSK = "skm_kiosk"  # the registered SKM kiosk of the object's MPP
OPEN311 = "open311"  # an Open311 key of the object's kab/kota
SUPERUSER = "superuser"  # the Django admin: none of the product's roles

REFUSED = {401, 403, 404, 405}
LOGIN = ("/akun/masuk/", "/admin-django/login/")


@dataclass(frozen=True)
class Write:
    """One state-changing route: who may write, on which object, and a request to send.

    ``who``: a ``Perm`` (asked with ``can`` on the object, or ``has_any`` without one), a policy
    function of (user, object) such as ``can_revoke``, or one of the kinds of caller above.

    ``url`` and ``data`` are formatted with the tenant's object ids (``{app}``, ``{complaint}`` ...);
    ``on`` names the object the policy is asked about (None: a national permission, or the route's
    own rows of the caller). ``method``: ``post`` (web form), ``api_post``/``api_patch``/
    ``api_delete`` (JSON with the caller's bearer token) or ``admin`` (the Django admin).
    """

    who: Perm | str | Callable
    url: str
    on: str | None = None
    data: dict = field(default_factory=dict)
    method: str = "post"
    watch: str | None = None  # the object whose row must not change when refused (default: on)


ACTIVITY_FORM = {
    "title": "Sosialisasi IKD",
    "description": "Aktivasi Identitas Kependudukan Digital.",
    "organiser": "Disdukcapil",
    "category": "edukasi",
    "place": "Aula",
    "day": "2030-01-07",
    "start_time": "09:00",
    "end_time": "11:00",
    "capacity": "30",
    "registration_required": "on",
}


def W(who, url, on=None, method="post", watch=None, **data) -> Write:
    return Write(who, url, on, data, method, watch)


def any_of(*perms: Perm) -> Callable:
    """A policy function: the caller holds at least one of ``perms`` on the object."""

    def check(user, obj) -> bool:
        return any(can(user, p, obj) if obj is not None else has_any(user, p) for p in perms)

    return check


def may_assist(user, request) -> bool:
    """An assistance request's outcome: the policy's answer (``queueing.services.may_assist``)."""
    from mpp.queueing.services import may_assist as policy

    return policy(user, request)


def requester_or_room_manager(user, booking) -> bool:
    """A room booking's action: its requester, or a manager of its MPP (Perm.MANAGE_ROOMS)."""
    return user.pk == booking.requester_id or can(user, Perm.MANAGE_ROOMS, booking)


API = "/api/v1"
WRITES: dict[str, Write] = {
    # --- accounts, notifications, the public site
    "akun/masuk/": W(ANYONE, "/akun/masuk/", username="x", password="y"),
    # Sign-in with an OpenID provider: 404 where none is configured (as in this test), and a
    # first sign-in's link or create step needs the provider's identity in the session.
    "akun/masuk/oidc/": W(ANYONE, "/akun/masuk/oidc/"),
    "akun/masuk/oidc/lanjut/": W(ANYONE, "/akun/masuk/oidc/lanjut/", password="y"),
    "akun/keluar/": W(ANYONE, "/akun/keluar/"),
    # The demo's OpenID provider: 404 unless MPP_DEMO_IDP is on (never in production).
    "demo-idp/authorize/": W(ANYONE, "/demo-idp/authorize/", subject="demo-0003"),
    "demo-idp/token/": W(ANYONE, "/demo-idp/token/", code="x"),  # signing out: nothing to do for a stranger
    "akun/daftar/": W(ANYONE, "/akun/daftar/"),
    "akun/profil/ubah/": W(SIGNED_IN, "/akun/profil/ubah/"),
    "akun/token/<id:token_id>/cabut/": W(SIGNED_IN, "/akun/token/999999/cabut/"),
    "akun/sandi/ubah/": W(SIGNED_IN, "/akun/sandi/ubah/"),
    "akun/sandi/lupa/": W(ANYONE, "/akun/sandi/lupa/", email="x@contoh.id"),
    "akun/sandi/atur/<uidb64>/<token>/": W(ANYONE, "/akun/sandi/atur/MQ/x-y/"),
    "akun/2fa/atur/": W(SIGNED_IN, "/akun/2fa/atur/"),
    "akun/2fa/verifikasi/": W(SIGNED_IN, "/akun/2fa/verifikasi/"),
    "akun/kerja/peran/": W(Perm.MANAGE_ROLES, "/akun/kerja/peran/"),
    "akun/kerja/peran/<id:grant_id>/cabut/": W(can_revoke, "/akun/kerja/peran/{grant}/cabut/", "grant"),
    "akun/pesan/baca-semua/": W(SIGNED_IN, "/akun/pesan/baca-semua/"),
    "akun/surel/kirim-ulang/": W(SIGNED_IN, "/akun/surel/kirim-ulang/"),
    "akun/undangan/<str:token>/": W(ANYONE, "/akun/undangan/bukan-token/"),
    "akun/kerja/peran/undangan/<id:invitation_id>/kirim-ulang/": W(
        Perm.MANAGE_ROLES, "/akun/kerja/peran/undangan/999999/kirim-ulang/"
    ),
    "akun/kerja/peran/undangan/<id:invitation_id>/batalkan/": W(
        Perm.MANAGE_ROLES, "/akun/kerja/peran/undangan/999999/batalkan/"
    ),
    # An MPP's own networks: the form offers the caller's MPPs only (another is a form error).
    "akun/kerja/jaringan/": W(
        Perm.MANAGE_MPP, "/akun/kerja/jaringan/", mpp="{mpp}", network="10.9.9.0/24", label="Aula"
    ),
    "akun/kerja/jaringan/<id:pk>/hapus/": W(
        Perm.MANAGE_MPP, "/akun/kerja/jaringan/{network}/hapus/", "network"
    ),
    "akun/pesan/pengaturan/": W(SIGNED_IN, "/akun/pesan/pengaturan/"),
    "i18n/setlang/": W(ANYONE, "/i18n/setlang/", language="en"),
    "verifikasi/<str:code>/": W(ANYONE, "/verifikasi/TIDAKADA/"),
    "verifikasi/<str:code>/cabut/": W(Perm.DECIDE_CASES, "/verifikasi/TIDAKADA/cabut/", "app"),
    # --- devices: the manager's one page per MPP, and the one-time pairing link
    # --- rooms (peminjaman ruang): a signed-in person asks; the requester or the MPP's manager acts
    "ruang/<id:pk>/": W(SIGNED_IN, "/ruang/{room}/", "room_row", group_name="Matriks"),
    "ruang/peminjaman/<id:pk>/tindakan/": W(
        requester_or_room_manager, "/ruang/peminjaman/{room_booking}/tindakan/", "room_booking",
        action="cancel",
    ),
    "kelola/ruang/ruang/<id:pk>/": W(
        Perm.MANAGE_ROOMS, "/kelola/ruang/ruang/{room}/", "room_row", action="save",
        name="Matriks ubah", kind="hall", capacity="10",
    ),
    "kelola/ruang/<id:mpp_id>/": W(
        Perm.MANAGE_ROOMS, "/kelola/ruang/{mpp}/", "mpp_row", name="Matriks", kind="hall",
        capacity="5",
    ),
    "kelola/perangkat/<id:mpp_id>/": W(
        Perm.MANAGE_DEVICES, "/kelola/perangkat/{mpp}/", "mpp_row", kind="hall_display", name="Layar"
    ),
    "kelola/perangkat/<id:mpp_id>/<id:pk>/ganti-token/": W(
        Perm.MANAGE_DEVICES, "/kelola/perangkat/{mpp}/{device}/ganti-token/", "device"
    ),
    "kelola/perangkat/<id:mpp_id>/<id:pk>/cabut/": W(
        Perm.MANAGE_DEVICES, "/kelola/perangkat/{mpp}/{device}/cabut/", "device"
    ),
    "perangkat/pasang/<str:code>/": W(ANYONE, "/perangkat/pasang/bukan-kode/"),
    # Activities: public registration and the ticket's secret link (the service decides who may
    # cancel or check in), the door scanner's page (a device), the organiser's pages.
    "kegiatan/pintu/": W(ANYONE, "/kegiatan/pintu/", number="KTIDAKADA"),
    "kegiatan/<id:pk>/daftar/": W(ANYONE, "/kegiatan/{activity}/daftar/", confirm="1"),
    "kegiatan/tiket/<str:code>/batal/": W(ANYONE, "/kegiatan/tiket/{ticket}/batal/"),
    "kegiatan/tiket/<str:code>/hadir/": W(ANYONE, "/kegiatan/tiket/{ticket}/hadir/"),
    "kegiatan/tiket/<str:code>/nilai/": W(ANYONE, "/kegiatan/tiket/{ticket}/nilai/", score="4"),
    "kelola/kegiatan/baru/<id:mpp_id>/": W(
        Perm.MANAGE_ACTIVITIES, "/kelola/kegiatan/baru/{mpp}/", "mpp_row", **ACTIVITY_FORM
    ),
    "kelola/kegiatan/<id:pk>/": W(
        Perm.MANAGE_ACTIVITIES, "/kelola/kegiatan/{activity}/", "activity", number="KTIDAKADA"
    ),
    "kelola/kegiatan/<id:pk>/ubah/": W(
        Perm.MANAGE_ACTIVITIES, "/kelola/kegiatan/{activity}/ubah/", "activity", **ACTIVITY_FORM
    ),
    "kelola/kegiatan/<id:pk>/batal/": W(
        Perm.MANAGE_ACTIVITIES, "/kelola/kegiatan/{activity}/batal/", "activity"
    ),
    "kelola/penanda-tangan/<id:pk>/": W(Perm.MANAGE_SERVICES, "/kelola/penanda-tangan/{agency}/", "agency"),
    "kelola/kalender/<str:code>/<id:year>/": W(
        Perm.MANAGE_CALENDAR, "/kelola/kalender/{region}/2026/", "region_row"
    ),
    "kelola/kalender/<str:code>/pengecualian/<id:pk>/hapus/": W(
        Perm.MANAGE_CALENDAR, "/kelola/kalender/{region}/pengecualian/{override}/hapus/", "override"
    ),
    # --- the catalogue
    "kelola/layanan/baru/": W(Perm.MANAGE_SERVICES, "/kelola/layanan/baru/"),
    "kelola/layanan/templat/": W(Perm.MANAGE_SERVICES, "/kelola/layanan/templat/"),
    "kelola/layanan/<id:pk>/draf/baru/": W(
        Perm.MANAGE_SERVICES, "/kelola/layanan/{service}/draf/baru/", "service"
    ),
    "kelola/layanan/<id:pk>/draf/": W(Perm.MANAGE_SERVICES, "/kelola/layanan/{service}/draf/", "service"),
    "kelola/layanan/<id:pk>/draf/formulir/": W(
        Perm.MANAGE_SERVICES, "/kelola/layanan/{service}/draf/formulir/", "service"
    ),
    "kelola/layanan/<id:pk>/terbitkan/": W(
        Perm.MANAGE_SERVICES, "/kelola/layanan/{service}/terbitkan/", "service"
    ),
    "kelola/layanan/<id:pk>/hentikan/": W(
        Perm.MANAGE_SERVICES, "/kelola/layanan/{service}/hentikan/", "service"
    ),
    "kelola/sinonim-pencarian/": W(Perm.MANAGE_SEARCH, "/kelola/sinonim-pencarian/", term="ktp"),
    "kelola/sinonim-pencarian/<id:pk>/hapus/": W(
        Perm.MANAGE_SEARCH, "/kelola/sinonim-pencarian/{synonym}/hapus/"
    ),
    # --- opening hours of an MPP and its agencies' counter hours (Monday 08.00–16.00)
    "kelola/jam-layanan/mpp/<id:pk>/": W(
        Perm.MANAGE_MPP, "/kelola/jam-layanan/mpp/{mpp}/", "mpp_row",
        d0_open="on", d0_opens="08:00", d0_closes="16:00",
    ),
    "kelola/jam-layanan/loket/<id:pk>/": W(
        Perm.MANAGE_QUEUE, "/kelola/jam-layanan/loket/{presence}/", "presence",
        d0_open="on", d0_opens="09:00", d0_closes="15:00",
    ),
    # --- applications
    "lacak/": W(ANYONE, "/lacak/", tracking_number="X"),
    "permohonan/baru/<slug:slug>/": W(SIGNED_IN, "/permohonan/baru/{service_slug}/"),
    "permohonan/<id:pk>/langkah/<id:number>/": W(OWNER, "/permohonan/{app}/langkah/1/", "app"),
    "permohonan/<id:pk>/periksa/": W(OWNER, "/permohonan/{app}/periksa/", "app"),
    "permohonan/<id:pk>/batalkan/": W(OWNER, "/permohonan/{app}/batalkan/", "app"),
    # The inbox's search is posted (a NIK never in a URL): a read by whoever sees cases.
    "kelola/permohonan/": W(any_of(Perm.VIEW_CASES, Perm.OVERSEE_CASES), "/kelola/permohonan/"),
    "kelola/permohonan/loket/": W(Perm.FILE_AT_COUNTER, "/kelola/permohonan/loket/"),
    "kelola/permohonan/<id:pk>/tindakan/": W(
        Perm.DECIDE_CASES, "/kelola/permohonan/{app}/tindakan/", "app",
        action="claim", version="{app_version}",
    ),
    "kelola/permohonan/<id:pk>/catatan/": W(
        any_of(Perm.DECIDE_CASES, Perm.ASSIGN_CASES), "/kelola/permohonan/{app}/catatan/", "app",
        text="x",
    ),
    "kelola/permohonan/<id:pk>/terbitkan-ulang/": W(
        Perm.DECIDE_CASES, "/kelola/permohonan/{app}/terbitkan-ulang/", "app", reason="x"
    ),
    "kelola/permohonan/<id:pk>/langkah/<id:number>/": W(
        Perm.FILE_AT_COUNTER, "/kelola/permohonan/{app}/langkah/1/", "app"
    ),
    "kelola/permohonan/<id:pk>/periksa/": W(
        Perm.FILE_AT_COUNTER, "/kelola/permohonan/{app}/periksa/", "app"
    ),
    # --- the queue
    "antrean/pesan/<id:queue_id>/": W(SIGNED_IN, "/antrean/pesan/{queue}/", date="2026-12-07"),
    "antrean/saya/<id:pk>/batalkan/": W(OWNER, "/antrean/saya/{booking}/batalkan/", "booking"),
    "antrean/saya/<id:pk>/ubah/": W(OWNER, "/antrean/saya/{booking}/ubah/", "booking"),
    "antrean/saya/<id:pk>/tambah-layanan/": W(
        OWNER, "/antrean/saya/{booking}/tambah-layanan/", "booking", queue="{queue}"
    ),
    "antrean/anjungan/": W(ANYONE, "/antrean/anjungan/", token="salah"),
    # The kiosk takes numbers of its own MPP's queues (another MPP's queue is no choice there).
    "antrean/anjungan/ambil/": W(QUEUE_KIOSK, "/antrean/anjungan/ambil/", queue="{queue}"),
    "antrean/anjungan/hadir/": W(QUEUE_KIOSK, "/antrean/anjungan/hadir/", "booking", code="{booking_code}"),
    "kelola/antrean/<id:mpp_id>/layanan/<id:service_id>/": W(
        Perm.MANAGE_QUEUE, "/kelola/antrean/{mpp}/layanan/{service}/", "service"
    ),
    "kelola/antrean/<id:mpp_id>/loket/baru/": W(
        Perm.MANAGE_QUEUE, "/kelola/antrean/{mpp}/loket/baru/", "presence"
    ),  # a counter of an agency at the MPP: the agency admin sets up their own
    "kelola/antrean/<id:mpp_id>/loket/<id:pk>/": W(
        Perm.MANAGE_QUEUE, "/kelola/antrean/{mpp}/loket/{counter}/", "counter"
    ),
    "kelola/antrean/<id:mpp_id>/aturan/": W(Perm.MANAGE_QUEUE, "/kelola/antrean/{mpp}/aturan/", "mpp_row"),
    "kelola/antrean/loket/<id:pk>/tindakan/": W(
        Perm.SERVE_QUEUE, "/kelola/antrean/loket/{counter}/tindakan/", "counter", action="call_next"
    ),
    "kelola/antrean/loket/<id:pk>/pindah-layanan/": W(
        Perm.SERVE_QUEUE, "/kelola/antrean/loket/{counter}/pindah-layanan/", "counter",
        code="TIDAKADA",
    ),
    # Assistance: the MPP's hall staff (ASSIST_VISITORS) or an officer serving the ticket's queue.
    "kelola/pendampingan/permintaan/<id:pk>/": W(
        may_assist, "/kelola/pendampingan/permintaan/{assistance}/", "assistance", outcome="met"
    ),
    # --- complaints
    "pengaduan/baru/": W(ANYONE, "/pengaduan/baru/"),
    "pengaduan/konfirmasi/": W(ANYONE, "/pengaduan/konfirmasi/"),
    "pengaduan/lacak/<str:token>/tindakan/": W(ANYONE, "/pengaduan/lacak/TIDAKADA/tindakan/"),
    "pengaduan/lacak/<str:token>/nilai/": W(ANYONE, "/pengaduan/lacak/TIDAKADA/nilai/"),
    "kelola/pengaduan/templat/": W(Perm.RESPOND_COMPLAINTS, "/kelola/pengaduan/templat/"),
    "kelola/pengaduan/integrasi/": W(
        Perm.MANAGE_INTEGRATIONS, "/kelola/pengaduan/integrasi/", name="Mitra"
    ),  # a key for the caller's own kab/kota
    "kelola/pengaduan/integrasi/<id:pk>/cabut/": W(
        Perm.MANAGE_INTEGRATIONS, "/kelola/pengaduan/integrasi/{client}/cabut/", "region_row",
        watch="client",
    ),
    # --- integrations
    "kelola/integrasi/<str:connector>/<str:region>/": W(
        Perm.MANAGE_INTEGRATIONS, "/kelola/integrasi/dukcapil.nik/{region}/", "region_row",
        enabled="on", endpoint="https://dukcapil.contoh.go.id/", user_id="u", password="p",
    ),
    "simulator/dukcapil/verifikasi/": W(ANYONE, "/simulator/dukcapil/verifikasi/"),
    "simulator/dukcapil/data/": W(ANYONE, "/simulator/dukcapil/data/"),
    "simulator/satusehat/oauth2/v1/accesstoken": W(
        ANYONE, "/simulator/satusehat/oauth2/v1/accesstoken"
    ),
    "kelola/pengaduan/<id:pk>/tindakan/": W(
        Perm.RESPOND_COMPLAINTS, "/kelola/pengaduan/{complaint}/tindakan/", "complaint",
        action="respond", version="{complaint_version}", note="Tanggapan",
    ),
    "kelola/pengaduan/<id:pk>/kirim-ulang-lapor/": W(
        Perm.HANDLE_COMPLAINTS, "/kelola/pengaduan/{complaint}/kirim-ulang-lapor/", "complaint"
    ),
    "kelola/pengaduan/<id:pk>/catatan/": W(
        any_of(Perm.HANDLE_COMPLAINTS, Perm.RESPOND_COMPLAINTS),
        "/kelola/pengaduan/{complaint}/catatan/", "complaint", text="x",
    ),
    "open311/v2/^requests\\.(?P<fmt>json|xml)$": W(
        OPEN311, "/open311/v2/requests.json", "region_row", jurisdiction_id="{region}"
    ),
    # --- the satisfaction survey
    "skm/isi/<str:token>/": W(ANYONE, "/skm/isi/TIDAKADA/"),
    "skm/undangan/<id:pk>/": W(SIGNED_IN, "/skm/undangan/999999/"),
    "skm/kios/": W(SKM_KIOSK, "/skm/kios/"),  # the device answers for its own MPP
    "skm/kios/masuk/": W(ANYONE, "/skm/kios/masuk/", token="salah"),
    "kelola/skm/laporan/": W(Perm.VIEW_STATISTICS, "/kelola/skm/laporan/", "mpp_row", unit="mpp:{mpp}"),
    "kelola/skm/laporan.xlsx": W(
        Perm.VIEW_STATISTICS, "/kelola/skm/laporan.xlsx", "mpp_row", unit="mpp:{mpp}"
    ),
    "kelola/skm/laporan.pdf": W(
        Perm.VIEW_STATISTICS, "/kelola/skm/laporan.pdf", "mpp_row", unit="mpp:{mpp}"
    ),
    "kelola/skm/petugas/": W(
        Perm.VIEW_OFFICER_SKM, "/kelola/skm/petugas/", "presence", unit="agency:{agency}@{mpp}"
    ),
    "kelola/skm/saran/<id:pk>/tindak-lanjut/": W(
        Perm.MANAGE_SURVEYS, "/kelola/skm/saran/999999/tindak-lanjut/", "mpp_row",
        unit="mpp:{mpp}", text="x",
    ),
    "kelola/skm/perbaikan/": W(
        Perm.MANAGE_SURVEYS, "/kelola/skm/perbaikan/", "mpp_row", unit="mpp:{mpp}", text="x"
    ),
    # A read that takes its unit from the query or the form (as the reports).
    "kelola/skm/kuesioner/": W(
        any_of(Perm.VIEW_STATISTICS, Perm.MANAGE_SURVEYS), "/kelola/skm/kuesioner/", "service",
        unit="service:{service}",
    ),
    "kelola/skm/kuesioner/adopsi/": W(
        Perm.MANAGE_SURVEYS, "/kelola/skm/kuesioner/adopsi/", "service", unit="service:{service}"
    ),
    "kelola/skm/kuesioner/bobot/": W(
        Perm.MANAGE_SURVEYS, "/kelola/skm/kuesioner/bobot/", "service", unit="service:{service}"
    ),
    "kelola/skm/kios/<id:pk>/": W(
        Perm.MANAGE_SURVEYS, "/kelola/skm/kios/{skm_kiosk}/", "skm_kiosk", min_interval="30"
    ),
    "kelola/skm/kios/<id:pk>/batalkan/": W(
        Perm.MANAGE_SURVEYS, "/kelola/skm/kios/{skm_kiosk}/batalkan/", "skm_kiosk",
        start="2026-01-01T00:00", end="2026-12-31T00:00",
    ),
    # --- onboarding and monitoring
    "lokus/ajukan/": W(ANYONE, "/lokus/ajukan/"),
    "kelola/penerapan/ajukan/": W(Perm.APPLY_ONBOARDING, "/kelola/penerapan/ajukan/"),
    "kelola/penerapan/rubrik/": W(Perm.MANAGE_ONBOARDING, "/kelola/penerapan/rubrik/"),
    "kelola/penerapan/sk/": W(Perm.APPLY_ONBOARDING, "/kelola/penerapan/sk/"),
    "kelola/penerapan/<id:pk>/tindakan/": W(
        Perm.MANAGE_ONBOARDING, "/kelola/penerapan/{locus}/tindakan/", "locus",
        action="probation", reason="x",
    ),
    "kelola/monev/periode/baru/": W(Perm.REVIEW_MONITORING, "/kelola/monev/periode/baru/"),
    "kelola/monev/laporan/<id:pk>/tindakan/": W(
        Perm.SUBMIT_MONITORING, "/kelola/monev/laporan/{report}/tindakan/", "report", action="save"
    ),
    # --- the API (operations from the OpenAPI schema)
    "POST /api/v1/auth/token": W(ANYONE, f"{API}/auth/token", None, "api_post", username="x"),
    "DELETE /api/v1/auth/token": W(SIGNED_IN, f"{API}/auth/token", None, "api_delete"),
    "POST /api/v1/citizens": W(ANYONE, f"{API}/citizens", None, "api_post"),
    "POST /api/v1/applications": W(
        SIGNED_IN, f"{API}/applications", None, "api_post", service="{service}"
    ),
    "PATCH /api/v1/applications/{application_id}": W(
        OWNER, f"{API}/applications/{{app}}", "app", "api_patch", data={}
    ),
    "POST /api/v1/applications/{application_id}/documents": W(
        OWNER, f"{API}/applications/{{app}}/documents", "app", "api_upload", field="dokumen"
    ),
    "POST /api/v1/applications/{application_id}/submit": W(
        OWNER, f"{API}/applications/{{app}}/submit", "app", "api_post"
    ),
    "POST /api/v1/applications/{application_id}/actions": W(
        Perm.DECIDE_CASES, f"{API}/applications/{{app}}/actions", "app", "api_post",
        action="claim", version="{app_version}",
    ),
    "POST /api/v1/complaints": W(SIGNED_IN, f"{API}/complaints", None, "api_post"),
    "POST /api/v1/complaints/{tracking_number}/actions": W(
        Perm.RESPOND_COMPLAINTS, f"{API}/complaints/{{complaint_number}}/actions", "complaint",
        "api_post", action="respond", version="{complaint_version}", note="Tanggapan",
    ),
    "POST /api/v1/me/messages/{message_id}/read": W(
        SIGNED_IN, f"{API}/me/messages/999999/read", None, "api_post"
    ),
    "POST /api/v1/skm/responses": W(
        SKM_KIOSK, f"{API}/skm/responses", None, "api_post", answers={"U1": 4}, invitation=999999
    ),  # a citizen answers only their own invitation
    "POST /api/v1/me/queue/bookings": W(SIGNED_IN, f"{API}/me/queue/bookings", None, "api_post"),
    "POST /api/v1/me/queue/bookings/{booking_id}/cancel": W(
        OWNER, f"{API}/me/queue/bookings/{{booking}}/cancel", "booking", "api_post"
    ),
    "POST /api/v1/me/queue/bookings/{booking_id}/reschedule": W(
        OWNER, f"{API}/me/queue/bookings/{{booking}}/reschedule", "booking", "api_post",
        date="2026-12-08", slot="09:00",
    ),
    "POST /api/v1/me/activities/registrations": W(
        SIGNED_IN, f"{API}/me/activities/registrations", None, "api_post", activity_id=999999
    ),
    "POST /api/v1/me/activities/registrations/{registration_id}/cancel": W(
        OWNER, f"{API}/me/activities/registrations/{{registration}}/cancel", "registration",
        "api_post",
    ),
}  # fmt: skip

# The Django admin (``admin-django/``) is for superusers only; every one of its write views is
# declared at once and posted to with one sample of each kind of view.
ADMIN_PREFIX = "admin-django/"
ADMIN_SAMPLES = {
    "add_view": "/admin-django/accounts/rolegrant/add/",
    "change_view": "/admin-django/accounts/user/{citizen}/change/",
    "delete_view": "/admin-django/accounts/user/{citizen}/delete/",
    "changelist_view": "/admin-django/accounts/rolegrant/",
}


# --- Enumerating the routes ------------------------------------------------------------------

WRITE_SOURCE = re.compile(r"request\.(POST|FILES|body|method)\b|require_POST|[\"']POST[\"']")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _allowed_methods(view) -> set[str] | None:
    """The methods a ``require_http_methods`` decorator allows (None when undecorated)."""
    fn = view
    while fn is not None:
        for cell in fn.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(m, str) and m.isupper() for m in value)
            ):
                return set(value)
        fn = getattr(fn, "__wrapped__", None)
    return None


def _source_writes(fn, seen: set) -> bool:
    """Does ``fn``, or a function of its module it calls (transitively), handle a write?"""
    fn = inspect.unwrap(fn)
    if fn in seen or not inspect.isfunction(fn):
        return False
    seen.add(fn)
    source = inspect.getsource(fn)
    if WRITE_SOURCE.search(source):
        return True
    module = inspect.getmodule(fn)
    if module is None:
        return False
    for name in set(re.findall(r"\b([A-Za-z_]\w*)\(", source)):
        other = getattr(module, name, None)
        same_module = inspect.isfunction(other) and other.__module__ == module.__name__
        if same_module and _source_writes(other, seen):
            return True
    return False


def accepts_writes(route: str, view) -> bool:
    if route.startswith(ADMIN_PREFIX):
        return True
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return any(hasattr(view_class, name) for name in ("post", "put", "patch", "delete"))
    methods = _allowed_methods(view)
    if methods is not None:
        return not methods <= SAFE_METHODS
    return _source_writes(view, set())


def write_routes() -> set[str]:
    """Every web route whose view accepts a write, and every non-GET API operation."""
    found = {
        route
        for route, pattern in _patterns()
        if not route.startswith("api/v1/") and accepts_writes(route, pattern.callback)
    }
    from mpp.api.v1 import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            if method.upper() not in SAFE_METHODS:
                found.add(f"{method.upper()} {path}")
    return found


def test_every_state_changing_route_is_declared():
    routes = write_routes()
    undeclared = {
        route for route in routes if route not in WRITES and not route.startswith(ADMIN_PREFIX)
    }
    assert not undeclared, f"declare these routes in WRITES: {sorted(undeclared)}"
    assert not set(WRITES) - routes, "declared routes that no longer accept writes"
    # The enumeration sees the writes it must see (a guard on the guard).
    assert {
        "kelola/antrean/loket/<id:pk>/tindakan/",
        "kelola/layanan/baru/",
        "POST /api/v1/skm/responses",
        "admin-django/accounts/user/<path:object_id>/delete/",
    } <= routes
    assert "kelola/dasbor/" not in routes and "antrean/layar/<slug:slug>/panggilan/" not in routes


# --- The callers -----------------------------------------------------------------------------


@dataclass
class Caller:
    name: str
    client: Client
    user: User | None = None
    headers: dict = field(default_factory=dict)
    queue_kiosk_mpp: int | None = None
    skm_kiosk_mpp: int | None = None
    open311_region: str | None = None
    open311_key: str = ""


def _callers(objects) -> list[Caller]:
    from mpp.accounts.tokens import hash_token
    from mpp.complaints.demo import DESK_USERNAME
    from mpp.devices.auth import COOKIE, SALT
    from mpp.queueing.demo import DEMO_KIOSK_TOKEN as QUEUE_TOKEN
    from mpp.surveys import demo as surveys_demo

    def paired(raw: str) -> str:
        """The signed cookie the pairing link sets on the device with token ``raw``."""
        return signing.get_cookie_signer(salt=COOKIE + SALT).sign(hash_token(raw))

    other_region, _ = User.objects.get_or_create(username="admin.jogja", defaults={"name": "Admin"})
    RoleGrant.objects.get_or_create(
        user=other_region, role=Role.REGIONAL_ADMIN, region=Region.objects.get(code="3471")
    )
    batam = objects["batam"]
    callers = [Caller("anonymous", Client(raise_request_exception=False))]
    for name, nik in (("citizen", "2171011508900003"), ("other citizen", "2171055204950001")):
        user = User.objects.get(nik=nik)
        client = Client(raise_request_exception=False)
        client.force_login(user, backend="mpp.accounts.backends.NikOrUsernameBackend")
        _token, raw = account_services.issue_token(user)
        callers.append(Caller(name, client, user, {"Authorization": f"Bearer {raw}"}))
    for username in (
        "petugas.dukcapil",  # officer of the Batam Disdukcapil
        "petugas.dinkes",  # officer of another agency at the same MPP
        "petugas.yogya",  # officer of another region
        "admin.dukcapil",
        DESK_USERNAME,
        "pengelola.batam",
        "admin.batam",
        "admin.jogja",  # regional admin of another region
        "admin.kemenpanrb",
        "analis.kemenpanrb",
    ):
        user = User.objects.get(username=username)
        client = Client(raise_request_exception=False)
        login_staff(client, user)
        _token, raw = account_services.issue_token(user, second_factor=True)
        callers.append(Caller(username, client, user, {"Authorization": f"Bearer {raw}"}))
    kiosk = Client(raise_request_exception=False)
    kiosk.cookies[COOKIE] = paired(QUEUE_TOKEN)
    callers.append(Caller("queue kiosk", kiosk, queue_kiosk_mpp=batam["mpp_row"].pk))
    skm = Client(raise_request_exception=False)
    skm.cookies[COOKIE] = paired(surveys_demo.DEMO_KIOSK_TOKEN)
    callers.append(
        Caller(
            "skm kiosk",
            skm,
            headers={"Authorization": f"Bearer {surveys_demo.DEMO_KIOSK_TOKEN}"},
            skm_kiosk_mpp=batam["mpp_row"].pk,
        )
    )
    callers.append(
        Caller(
            "open311 key",
            Client(raise_request_exception=False),
            open311_region=batam["region"],
            open311_key=objects["open311_key"],
        )
    )
    return callers


# --- The objects -----------------------------------------------------------------------------


def _fixture_set(demo):  # noqa: F811
    from mpp.complaints import services as complaint_services
    from mpp.devices.tests.factories import register_skm_kiosk
    from mpp.queueing.models import AssistanceRequest, Channel, Ticket
    from mpp.surveys import demo as surveys_demo
    from mpp.surveys.models import KioskDevice
    from mpp.tenancy.models import AgencyPresence

    objects = _objects(demo)
    surveys_demo.load(responses=0)
    for key, tenant in objects.items():
        app = tenant["app"]
        tenant["mpp_row"] = app.mpp
        tenant["region_row"] = app.mpp.region
        tenant["agency"] = app.agency
        tenant["presence"] = AgencyPresence.objects.get(mpp=app.mpp, agency=app.agency)
        queue = tenant["queue"]
        tenant["booking"] = Ticket.objects.create(
            mpp=queue.mpp, agency=queue.agency, service=queue.service, queue=queue,
            channel=Channel.ONLINE, date=datetime.date(2026, 12, 7),
            number=900, code=f"{queue.prefix}-900", citizen=app.applicant,
            booking_code=f"MATRIKS{key[0].upper()}", token=f"matriks-{tenant['region']}",
            status="booked", slot_starts="09:00", slot_ends="09:30",
        )  # fmt: skip
        tenant["assistance"] = AssistanceRequest.objects.create(
            ticket=tenant["booking"], kind="kursi_roda", mpp=queue.mpp, agency=queue.agency,
            service=queue.service, date=tenant["booking"].date, status="open",
        )  # fmt: skip
        tenant["skm_kiosk"] = (
            KioskDevice.objects.filter(device__mpp=app.mpp).first()
            or register_skm_kiosk(mpp=app.mpp, service=app.service, name="Matriks")[0]
        )
        tenant["device"] = tenant["skm_kiosk"].device
        tenant["room_row"], tenant["room_booking"] = _room_and_booking(app)
        tenant["activity"], tenant["ticket"] = _activity_with_ticket(app)
        tenant["registration"] = _registration_of_applicant(tenant["activity"], app)
    from mpp.tenancy.models import MppNetwork

    for key, tenant in objects.items():
        tenant["network"], _ = MppNetwork.objects.get_or_create(
            mpp=tenant["mpp_row"], network=f"10.{len(key)}.0.0/16", defaults={"label": "Matriks"}
        )
    _client, raw = complaint_services.issue_api_key(
        name="Matriks 311", region=objects["batam"]["region_row"], created_by=None
    )
    objects["open311_key"] = raw
    return objects


def _room_and_booking(app):
    """A room of the application's MPP and a request for it by the applicant (one per tenant)."""
    import datetime as dt

    from mpp.rooms.models import Booking, Room

    room, _ = Room.objects.get_or_create(
        mpp=app.mpp, name="Ruang Matriks", defaults={"kind": "hall", "capacity": 50}
    )
    starts = dt.datetime(2027, 1, 11, 2, tzinfo=dt.UTC)
    booking = Booking.objects.filter(room=room).first() or Booking.objects.create(
        room=room, mpp=app.mpp, region_id=app.mpp.region_id, requester_id=app.applicant_id,
        group_name="Komunitas Matriks", title="Matriks", purpose="Uji", attendance=10,
        starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
    )  # fmt: skip
    return room, booking


def _activity_with_ticket(app):
    """An activity of the application's MPP next month and a guest's ticket code for it."""
    from mpp.activities.models import Activity, Registration
    from mpp.activities.tickets import ticket_code

    start = timezone.now() + datetime.timedelta(days=30)
    activity = Activity.objects.create(
        mpp=app.mpp, title="Matriks", description="-", organiser="-", category="edukasi",
        place="Aula", starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=5,
    )  # fmt: skip
    number = f"KM{app.mpp_id:06d}"
    Registration.objects.create(
        activity=activity, guest_address="matriks@contoh.id", number=number, status="registered"
    )
    return activity, ticket_code(number)


def _registration_of_applicant(activity, app):
    """The applicant's own seat at the tenant's activity (the API's cancel acts on it)."""
    from mpp.activities.models import Registration

    return Registration.objects.create(
        activity=activity, user_id=app.applicant_id, number=f"KA{app.mpp_id:06d}",
        status="registered",
    )  # fmt: skip


def _ids(o) -> dict:
    return {
        "registration": o["registration"].pk,
        "app": o["app"].pk,
        "app_version": o["app"].version,
        "service": o["service"].pk,
        "service_slug": o["service"].slug,
        "grant": o["grant"].pk,
        "agency": o["agency"].pk,
        "region": o["region"],
        "override": o["override"].pk if o["override"] else 999999,
        "synonym": o["synonym"].pk,
        "mpp": o["mpp_row"].pk,
        "queue": o["queue"].pk,
        "counter": o["counter"].pk,
        "booking": o["booking"].pk,
        "booking_code": o["booking"].booking_code,
        "assistance": o["assistance"].pk,
        "complaint": o["complaint"].pk,
        "complaint_number": o["complaint"].tracking_number,
        "complaint_version": o["complaint"].version,
        "client": o["client"].pk,
        "skm_kiosk": o["skm_kiosk"].pk,
        "device": o["device"].pk,
        "activity": o["activity"].pk,
        "ticket": o["ticket"],
        "network": o["network"].pk,
        "presence": o["presence"].pk,
        "locus": o["locus"].pk,
        "report": o["report"].pk,
        "citizen": o["app"].applicant_id,
        "room": o["room_row"].pk,
        "room_booking": o["room_booking"].pk,
    }


# --- Expectations from the policy ------------------------------------------------------------

OWNER_FIELDS = ("applicant_id", "citizen_id", "reporter_id", "user_id")


def _scope_mpp(obj) -> int | None:
    scope = obj.policy_scope()
    return next(iter(scope.mpp_ids), None) if scope.mpp_ids else None


def expected_allowed(write: Write, caller: Caller, o: dict) -> bool:
    """What the declaration and the policy table say about ``caller`` writing on ``o``."""
    target = o.get(write.on) if write.on else None
    who = write.who
    if who == ANYONE:
        return True
    if who == SUPERUSER:
        return False
    if who == SIGNED_IN:
        return caller.user is not None
    if who == OWNER:
        owner = next(getattr(target, name) for name in OWNER_FIELDS if hasattr(target, name))
        return caller.user is not None and caller.user.pk == owner
    if who in (QUEUE_KIOSK, SKM_KIOSK):  # a device of the object's MPP (of any, without one)
        device = caller.queue_kiosk_mpp if who == QUEUE_KIOSK else caller.skm_kiosk_mpp
        return device is not None and (target is None or device == _scope_mpp(target))
    if who == OPEN311:
        return caller.open311_region is not None and caller.open311_region == getattr(
            target, "pk", None
        )
    if caller.user is None:
        return False
    if callable(who) and not isinstance(who, str):  # a policy function of (user, object)
        return who(caller.user, target)
    perm = Perm(who)
    return can(caller.user, perm, target) if target is not None else has_any(caller.user, perm)


# --- Sending and watching --------------------------------------------------------------------

# Rows a refused request may still write: its own audit and security records, sessions, the rate
# limiter and the task queue.
UNWATCHED_APPS = {"audit", "axes", "sessions", "django_tasks_database", "admin", "otp_totp"}


def _counts_sql() -> str:
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label not in UNWATCHED_APPS and model._meta.managed
    )
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608
    return f"SELECT {counts}"


def _state(sql: str, target) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    row = None
    if target is not None and hasattr(target, "_meta"):
        row = type(target)._base_manager.filter(pk=target.pk).values().first()
    return counts, row


def _send(caller: Caller, write: Write, url: str, data: dict):
    """Send one request; the caller's cookies are kept (signing out is one of the writes)."""
    cookies = SimpleCookie()
    cookies.update(caller.client.cookies)
    try:
        return _request(caller, write, url, data)
    finally:
        caller.client.cookies = cookies


def _request(caller: Caller, write: Write, url: str, data: dict):
    client = caller.client
    if write.who == OPEN311 and caller.open311_key:
        data = {**data, "api_key": caller.open311_key}
    if write.method == "post":
        return client.post(url, data)
    if write.method == "api_delete":
        return client.delete(url, headers=caller.headers)
    if write.method == "api_upload":
        upload = SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf")
        return client.post(url, {**data, "file": upload}, headers=caller.headers)
    call = client.patch if write.method == "api_patch" else client.post
    return call(url, data, content_type="application/json", headers=caller.headers)


def _refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def _format(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _format(item, ids) for key, item in value.items()}
    return value


def test_every_write_is_refused_where_the_policy_says_so(demo):  # noqa: F811
    objects = _fixture_set(demo)
    callers = _callers(objects)
    sql = _counts_sql()
    wrong: list[tuple] = []
    sent = 0
    samples = {f"admin:{name}": Write(SUPERUSER, url) for name, url in ADMIN_SAMPLES.items()}
    for route, write in {**WRITES, **samples}.items():
        for tenant in ("batam", "yogya"):
            o = objects[tenant]
            ids = _ids(o)
            url, data = write.url.format(**ids), _format(write.data, ids)
            watched = o.get(write.watch or write.on) if (write.watch or write.on) else None
            for caller in callers:
                allowed = expected_allowed(write, caller, o)
                cache.clear()  # the rate limits are tested apart; here every request is counted once
                with transaction.atomic():
                    before = None if allowed else _state(sql, watched)
                    response = _send(caller, write, url, data)
                    after = None if allowed else _state(sql, watched)
                    transaction.set_rollback(True)
                sent += 1
                status = response.status_code
                if status >= 500:
                    wrong.append((route, tenant, caller.name, status, "server error"))
                elif write.who == ANYONE:
                    continue  # open to all: what it answers depends on the data (a code, a secret)
                elif allowed and _refused(response) and status != 404:
                    wrong.append((route, tenant, caller.name, status, "refused, policy allows"))
                elif not allowed and not _refused(response):
                    wrong.append((route, tenant, caller.name, status, "not refused"))
                elif not allowed and before != after:
                    wrong.append((route, tenant, caller.name, status, "refused but changed"))
    assert sent >= len(WRITES) * 2 * 15
    assert not wrong, "\n".join(map(str, wrong))
