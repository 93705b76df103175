"""Issue 22, finding 1: a regional admin appoints an MPP manager by SK Pengelola; the invitee opens
the emailed link, creates a staff account, sets up TOTP and lands in the manager's workspace."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mpp.accounts.models import Role, RoleGrant, User
from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import (
    accept_invitation_in_browser,
    invitation_path,
    login_staff_in_browser,
)
from mpp.documents.uploads import blank_pdf
from mpp.onboarding import demo as onboarding_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_sk_appointee_accepts_the_invitation_and_reaches_the_manager_workspace(
    page, wide_page, live_server, audit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MPP_PUBLIC_BASE_URL = live_server.url
    load_demo()
    onboarding_demo.load()
    sk = tmp_path / "sk.pdf"
    sk.write_bytes(blank_pdf())

    # The regional admin uploads the SK naming the new manager.
    admin = wide_page
    login_staff_in_browser(admin, live_server, User.objects.get(username="admin.batam"))
    admin.goto("/kelola/penerapan/sk/")
    audit(admin)
    admin.get_by_label("Nomor SK").fill("KPTS/45/2026")
    admin.get_by_label("Tanggal SK").fill("2026-11-02")
    admin.get_by_label("Penanda tangan").fill("Wali Kota Batam")
    admin.get_by_label("Berkas SK (PDF)").set_input_files(str(sk))
    admin.get_by_label("Nama pengelola yang ditetapkan").fill("Rudi Hartono")
    admin.get_by_label("Surel pengelola").fill("rudi@contoh.go.id")
    admin.get_by_label("Jabatan dalam SK").fill("Koordinator MPP Digital")
    admin.get_by_label("MPP", exact=True).select_option(label="Mal Pelayanan Publik Kota Batam")
    admin.get_by_role("button", name="Unggah SK").click()
    admin.wait_for_load_state("load")
    audit(admin)
    assert not User.objects.filter(email="rudi@contoh.go.id").exists()

    # The invitee opens the link from the email and creates the staff account.
    page.goto(invitation_path(mail.outbox))
    expect(page.get_by_text("Anda diundang menjadi Pengelola MPP")).to_be_visible()
    expect(page.get_by_label("Nama lengkap")).to_have_value("Rudi Hartono")
    accept_invitation_in_browser(
        page, audit, mail.outbox, username="rudi.hartono", password="Sandi-Pengelola-2026"
    )
    expect(page.get_by_text("Pengelola MPP").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Pengaduan dan konsultasi"))).to_be_visible()
    manager = User.objects.get(username="rudi.hartono")
    assert RoleGrant.objects.active().get(user=manager).role == Role.MPP_MANAGER


def test_an_agency_admin_sends_an_invitation_again_and_revokes_it(
    page, wide_page, live_server, audit
):
    """The first link stops working when the invitation is sent again; the new one stops working
    when it is revoked, and the invitee is told so."""
    load_demo()
    admin = wide_page
    login_staff_in_browser(admin, live_server, User.objects.get(username="admin.dukcapil"))
    admin.goto("/akun/kerja/")
    audit(admin)
    admin.get_by_role("link", name=re.compile("Kelola peran petugas")).first.click()
    audit(admin)
    admin.get_by_label("Nama orang yang diundang").fill("Sari Wulandari")
    admin.get_by_label("Alamat surel").fill("sari@contoh.go.id")
    admin.get_by_label("Peran", exact=True).select_option(label="Petugas layanan")
    for scope in ("Instansi", "MPP"):
        field = admin.get_by_label(scope, exact=True)
        if field.count():
            field.select_option(index=1)
    admin.get_by_role("button", name="Kirim undangan").click()
    admin.wait_for_load_state("load")
    audit(admin)
    first_link = invitation_path(mail.outbox)
    pending = admin.get_by_role("region", name="Undangan yang belum diterima")
    expect(pending).to_contain_text("Sari Wulandari")

    pending.get_by_role("button", name="Kirim ulang sari@contoh.go.id").click()
    expect(admin.get_by_text("Undangan dikirim ulang ke sari@contoh.go.id")).to_be_visible()
    audit(admin)
    second_link = invitation_path(mail.outbox)
    assert second_link != first_link

    # The invitee: the first link no longer works, the new one does.
    gone = page.goto(first_link)
    audit(page)
    assert gone.status == 404
    expect(page.get_by_role("alert")).to_contain_text("tidak dikenal")
    opened = page.goto(second_link)
    audit(page)
    assert opened.status == 200
    expect(page.get_by_label("Nama lengkap")).to_have_value("Sari Wulandari")

    admin.get_by_role("region", name="Undangan yang belum diterima").get_by_role(
        "button", name="Batalkan sari@contoh.go.id"
    ).click()
    expect(admin.get_by_text("Undangan untuk sari@contoh.go.id dibatalkan")).to_be_visible()
    audit(admin)
    expect(admin.get_by_text("Tidak ada undangan yang menunggu.")).to_be_visible()
    revoked = page.goto(second_link)
    audit(page)
    assert revoked.status == 410
    expect(page.get_by_role("alert")).to_contain_text("Undangan ini telah dibatalkan")
    assert not RoleGrant.objects.filter(user__email="sari@contoh.go.id").exists()
