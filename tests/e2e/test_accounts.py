"""Browser journeys for accounts: keyboard-only registration, staff two-factor set-up, roles, language."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django_otp.oath import totp

from mpp.accounts.models import Invitation, Role, User
from mpp.accounts.tests.factories import PASSWORD, load_demo, staff
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.tenancy.models import Agency

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("var/screenshots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"accounts-{name}.png"), full_page=True)


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def code_from_secret(secret: str, drift: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=drift):06d}"


def test_citizen_registers_with_the_keyboard_only(page, audit):
    page.goto("/akun/daftar/")
    audit(page)
    assert page.locator("html").get_attribute("lang") == "id"

    tab_to(page, "#id_nik")
    page.keyboard.type("2171013208900003")  # day 32: not a date
    tab_to(page, "#id_name")
    page.keyboard.type("Budi Santoso")
    tab_to(page, "#id_birth_date")
    # The date field's segment order follows Chromium's UI language (en-US here: month first).
    page.keyboard.type("08151990")
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    audit(page)
    shot(page, "register-errors")

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # The summary comes before the form fields and names the wrong part of the NIK.
    assert summary.locator("li").first.inner_text().startswith("NIK:")
    assert "bukan tanggal lahir yang sah" in summary.inner_text()
    assert page.locator("#id_birth_date").input_value() == "1990-08-15"
    assert not User.objects.exists()

    tab_to(page, ".error-summary a")
    page.keyboard.press("Enter")
    tab_to(page, "#id_nik")
    page.keyboard.press("Control+A")
    page.keyboard.type("2171011508900003")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")  # the privacy notice is agreed to explicitly
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # The same page whether or not the NIK was taken, and no automatic login.
    page.wait_for_url(re.compile(r"/akun/daftar/diterima/(#.*)?$"))  # the browser keeps #id_nik
    audit(page)
    shot(page, "register-received")
    assert page.get_by_role("heading", name="Pendaftaran diterima").is_visible()
    assert "2171011508900003" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert User.objects.filter(nik="2171011508900003").exists()

    tab_to(page, "main a.button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun/masuk/")
    audit(page)
    tab_to(page, "#id_username")
    page.keyboard.type("2171011508900003")
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/permohonan/(#.*)?$"))  # a citizen lands on their applications
    audit(page)
    page.goto("/akun/profil/")
    audit(page)
    shot(page, "profile")
    assert page.get_by_text("2171********0003").is_visible()
    assert "2171011508900003" not in page.content()
    assert page.get_by_text("15 Agustus 1990").is_visible()
    # Nothing is wider than the 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_staff_sets_up_two_factor_and_grants_an_officer_role(page, audit, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    load_demo()
    dukcapil = Agency.objects.get(slug="disdukcapil-batam")
    staff(Role.AGENCY_ADMIN, username="admin.baru", agency=dukcapil)

    page.goto("/akun/masuk/")
    audit(page)
    shot(page, "login")
    page.get_by_label("NIK atau nama pengguna").fill("admin.baru")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/akun/2fa/atur/")
    audit(page)
    shot(page, "2fa-setup")
    assert page.locator(".qr svg").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()

    page.get_by_label("Kode verifikasi").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Aktifkan").click()
    audit(page)
    assert page.locator(".error-summary").get_by_text("Kode salah.").is_visible()

    page.get_by_label("Kode verifikasi").fill(code_from_secret(secret))
    page.get_by_role("button", name="Aktifkan").click()
    page.wait_for_url("**/akun/kerja/")
    audit(page)
    shot(page, "workspace")
    assert page.get_by_text("Verifikasi dua langkah sudah aktif.").is_visible()
    assert page.get_by_role("cell", name="Dinas Kependudukan dan Pencatatan Sipil Kota Batam")

    page.get_by_role("link", name="Kelola peran petugas").click()
    page.wait_for_url("**/akun/kerja/peran/")
    audit(page)
    page.get_by_label("Nama orang yang diundang").fill("Sri Wahyuni")
    page.get_by_label("Alamat surel").fill("sri.wahyuni@contoh.go.id")
    page.get_by_label("Peran", exact=True).select_option("officer")
    page.get_by_label("Instansi", exact=True).select_option(label=dukcapil.name)
    page.get_by_label("MPP", exact=True).select_option(label="Mal Pelayanan Publik Kota Batam")
    page.get_by_role("button", name="Kirim undangan").click()
    page.wait_for_url("**/akun/kerja/peran/")
    audit(page)
    shot(page, "roles")
    assert page.get_by_text("Undangan sebagai Petugas layanan telah dikirim").is_visible()
    assert page.get_by_role("row").filter(has_text="Sri Wahyuni").count() == 1
    assert Invitation.objects.pending().get(email="sri.wahyuni@contoh.go.id").agency == dukcapil

    # A fresh login asks for the code, not for a new set-up.
    with page.expect_navigation():
        page.get_by_role("button", name="Keluar").click()
    page.wait_for_load_state("load")
    audit(page)
    page.goto("/akun/masuk/")
    audit(page)
    page.get_by_label("NIK atau nama pengguna").fill("admin.baru")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/akun/2fa/verifikasi/**")
    audit(page)
    shot(page, "2fa-verify")
    page.get_by_label("Kode verifikasi").fill(code_from_secret(secret, drift=1))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url("**/akun/kerja/")  # staff land in their workspace
    audit(page)
    assert page.get_by_role("heading", name="Ruang kerja", level=1).is_visible()


def test_audit_log_and_error_pages(page, audit, live_server):
    load_demo()
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.kemenpanrb"))
    page.goto("/akun/kerja/audit/")
    audit(page)
    shot(page, "audit-log")
    assert page.get_by_role("heading", name="Jejak audit keamanan").is_visible()
    page.goto("/akun/kerja/peran/")
    audit(page)
    shot(page, "roles-ministry")

    page.context.clear_cookies()
    login_staff_in_browser(page, live_server, User.objects.get(username="petugas.dukcapil"))
    response = page.goto("/akun/kerja/audit/")
    assert response.status == 403
    audit(page)
    shot(page, "403")
    assert page.get_by_role("heading", name="Akses ditolak").is_visible()
    response = page.goto("/tidak-ada/")
    assert response.status == 404
    audit(page)
    shot(page, "404")


def test_language_switch_in_the_header(page, audit):
    page.goto("/akun/masuk/")
    audit(page)
    assert page.locator("html").get_attribute("lang") == "id"
    page.get_by_label("Bahasa").select_option("en")
    page.locator(".language-switch button").click()
    page.wait_for_url("**/akun/masuk/")
    audit(page)
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Bahasa").or_(page.get_by_label("Language")).select_option("id")
    page.locator(".language-switch button").click()
    page.wait_for_url("**/akun/masuk/")
    audit(page)
    assert page.locator("html").get_attribute("lang") == "id"
