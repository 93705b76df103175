"""Issue 22, finding 1: a regional admin appoints an MPP manager by SK Pengelola; the invitee opens
the emailed link, creates a staff account, sets up TOTP and lands in the manager's workspace."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mpp.accounts.models import Role, RoleGrant, User
from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import code_from_secret, invitation_path, login_staff_in_browser
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
    audit(page)
    expect(page.get_by_text("Anda diundang menjadi Pengelola MPP")).to_be_visible()
    expect(page.get_by_label("Nama lengkap")).to_have_value("Rudi Hartono")
    page.get_by_label("Nama pengguna").fill("rudi.hartono")
    page.get_by_label("Kata sandi", exact=True).fill("Sandi-Pengelola-2026")
    page.get_by_label("Ulangi kata sandi").fill("Sandi-Pengelola-2026")
    page.get_by_role("button", name="Buat akun petugas").click()
    page.wait_for_url("**/akun/2fa/atur/")
    audit(page)
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Kode verifikasi").fill(code_from_secret(secret))
    page.get_by_role("button", name="Aktifkan").click()
    page.wait_for_url("**/akun/kerja/")
    audit(page)
    expect(page.get_by_text("Pengelola MPP").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Pengaduan dan konsultasi"))).to_be_visible()
    manager = User.objects.get(username="rudi.hartono")
    assert RoleGrant.objects.active().get(user=manager).role == Role.MPP_MANAGER
