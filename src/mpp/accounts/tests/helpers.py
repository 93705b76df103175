"""Test helpers for signing people in."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.demo import DEMO_TOTP_KEY_HEX


def login_staff(client, user) -> TOTPDevice:
    """Log a staff member in on the Django test client with two-factor already passed."""
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(
        user=user, name="test", key=DEMO_TOTP_KEY_HEX, confirmed=True
    )
    client.force_login(user, backend="mpp.accounts.backends.NikOrUsernameBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def login_staff_in_browser(page, live_server, user) -> None:
    """Give a Playwright page the session cookie of a staff member with two-factor passed."""
    from django.test import Client

    client = Client()
    login_staff(client, user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def invitation_path(mails) -> str:
    """The path of the invitation link in the last invitation email among ``mails``."""
    import re

    bodies = [mail.body for mail in mails if "/akun/undangan/" in mail.body]
    link = re.search(r"https?://[^/\s]+(/akun/undangan/[^/\s]+/)", bodies[-1])
    assert link is not None, "no invitation link in the email"
    return link.group(1)


def accept_invitation_in_browser(page, audit, mails, *, username: str, password: str) -> None:
    """Open the invitation link of the last invitation among ``mails`` and do what its owner does:
    create the staff account, set up two-factor with an app, land in the workspace (axe on each
    page)."""
    page.goto(invitation_path(mails))
    audit(page)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_label("Ulangi kata sandi").fill(password)
    page.get_by_role("button", name="Buat akun petugas").click()
    page.wait_for_url("**/akun/2fa/atur/")
    audit(page)
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Kode verifikasi").fill(code_from_secret(secret))
    page.get_by_role("button", name="Aktifkan").click()
    page.wait_for_url("**/akun/kerja/")
    audit(page)


def verification_path(mails) -> str:
    """The path of the email-verification link in the last verification email among ``mails``."""
    import re

    bodies = [mail.body for mail in mails if "/akun/surel/verifikasi/" in mail.body]
    link = re.search(r"https?://[^/\s]+(/akun/surel/verifikasi/[^/\s]+/)", bodies[-1])
    assert link is not None, "no verification link in the email"
    return link.group(1)


def current_code(device: TOTPDevice) -> str:
    """The TOTP code an authenticator app shows now for ``device``."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def code_from_secret(secret: str) -> str:
    """The current TOTP code of the base32 ``secret`` shown on the two-factor set-up page."""
    import base64

    from django_otp.oath import totp

    secret = secret.replace(" ", "")
    return f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"
