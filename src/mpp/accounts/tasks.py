"""Tasks (django-tasks) of the accounts app."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from mpp.accounts.models import User


@task()
def warn_owner_of_registration_attempt(user_id: int) -> bool:
    """Tell an account's owner that someone tried to register with their NIK or email.

    Sent from a task, outside the registration request, so a taken NIK or email is answered as
    fast as a new one whatever the mail server does. Returns whether an email was sent.
    """
    owner = User.objects.filter(pk=user_id, is_active=True).first()
    if owner is None or not owner.email:
        return False
    base = settings.MPP_PUBLIC_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Yth. %(name)s,\n\nSeseorang baru saja mencoba mendaftarkan akun baru di MPP Digital "
            "dengan NIK atau alamat surel yang sudah terhubung dengan akun Anda. Akun Anda tidak "
            "berubah.\n\nJika itu Anda, silakan masuk, atau atur ulang kata sandi di "
            "%(reset)s.\nJika bukan Anda, abaikan surel ini.\n\nMPP Digital"
        ) % {"name": owner.name or owner.username, "reset": f"{base}/akun/sandi/lupa/"}
        subject = _("Percobaan pendaftaran dengan data akun Anda")
    send_mail(subject, body, None, [owner.email])
    return True


@task()
def send_email_verification(user_id: int, next_path: str = "") -> bool:
    """Email the link that verifies the user's current address (built here, so the task row
    holds only the user id and, when the person registered on the way to a service's form, that
    form's path, which the verification page offers next). Returns whether an email was sent."""
    from mpp.accounts.services import email_verification_token  # services imports this module

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or user.email_verified_at is not None:
        return False
    base = settings.MPP_PUBLIC_BASE_URL.rstrip("/")
    link = f"{base}{reverse('accounts:verify_email', args=[email_verification_token(user)])}"
    if next_path.startswith("/") and not next_path.startswith("//"):
        link += "?" + urlencode({"next": next_path})
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Yth. %(name)s,\n\nBuka tautan berikut untuk memverifikasi alamat surel akun MPP "
            "Digital Anda. Tautan berlaku %(hours)d jam dan hanya dapat dipakai sekali:\n\n"
            "%(link)s\n\nSelama alamat ini belum diverifikasi, Anda belum dapat memesan antrean "
            "daring.\nJika Anda tidak mendaftar atau mengubah alamat surel di MPP Digital, abaikan "
            "surel ini.\n\nMPP Digital"
        ) % {
            "name": user.name or user.username,
            "hours": settings.EMAIL_VERIFICATION_HOURS,
            "link": link,
        }
        subject = _("Verifikasi alamat surel Anda")
    send_mail(subject, body, None, [user.email])
    return True
