"""The staff invitation email, sent in-process after the commit (see ``services._send_invitation``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mpp.accounts.models import Invitation


def mail_invitation(invitation_id: int, raw_token: str) -> bool:
    """Email the invitation link carrying ``raw_token``. The token is never stored, so this is not a
    queued task: a lost email is recovered by the inviter's "send again", which makes a new link."""
    invitation = (
        Invitation.objects.select_related("region", "mpp", "agency", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    base = settings.MPP_PUBLIC_BASE_URL.rstrip("/")
    link = f"{base}{reverse('accounts:invitation', args=[raw_token])}"
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Yth. %(name)s,\n\n%(inviter)s mengundang Anda menjadi %(role)s (%(scope)s) di MPP "
            "Digital.\n\nBuka tautan berikut untuk membuat akun petugas Anda: pilih nama pengguna "
            "dan kata sandi, lalu aktifkan verifikasi dua langkah. Tautan berlaku sampai "
            "%(expires)s dan hanya dapat dipakai sekali:\n\n%(link)s\n\nUndangan ini membuat akun "
            "petugas tersendiri; akun warga yang mungkin Anda miliki tidak dipakai dan tidak "
            "berubah.\nJika Anda tidak mengenal undangan ini, abaikan surel ini.\n\nMPP Digital"
        ) % {
            "name": invitation.name,
            "inviter": invitation.invited_by.name if invitation.invited_by else "MPP Digital",
            "role": invitation.get_role_display(),
            "scope": invitation.scope_label,
            "expires": date_format(timezone.localtime(invitation.expires_at), "j F Y H.i T"),
            "link": link,
        }
        subject = _("Undangan menjadi petugas MPP Digital")
    send_mail(subject, body, None, [invitation.email])
    return True
