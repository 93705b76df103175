"""Guests' one-time codes: a person without an account confirms an email address or phone number.

A process (a complaint without an account, a guest's activity registration) asks for a code, the
person types it back, and the process then writes to that contact (``services.notify_contact``).
Codes are limited per destination (``guest_code`` in ``mpp.accounts.limits``), whatever address
the request came from; a wrong code is counted in its own transaction so the limit holds.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from mpp.accounts import limits
from mpp.accounts.tokens import hash_token
from mpp.errors import ServiceError
from mpp.notifications.base import Channel
from mpp.notifications.models import GuestConfirmation
from mpp.notifications.registry import gateways

CODE_LIFETIME = datetime.timedelta(minutes=15)
CODE_ATTEMPTS = 5


class ContactCodeError(ServiceError):
    default_status = 400


def send_guest_code(address: str, *, purpose: str | Promise) -> GuestConfirmation:
    """Send a six-digit code to ``address`` (an email address by mail, a phone number by SMS).

    ``purpose`` names what the code confirms in the message ("pengaduan", "pendaftaran
    kegiatan")."""
    address = address.strip().lower()
    verdict = limits.check_key("guest_code", limits.normalise_destination(address))
    if verdict is not None:
        _title, detail = limits.refusal(verdict)
        raise ContactCodeError(detail, {"address": [detail]})
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    confirmation = GuestConfirmation.objects.create(
        address=address, code_hash=hash_token(code), expires_at=now + CODE_LIFETIME
    )
    text = _("Kode konfirmasi %(purpose)s MPP Digital Anda: %(code)s. Berlaku 15 menit.") % {
        "purpose": purpose,
        "code": code,
    }
    if "@" in address:
        subject = _("Kode konfirmasi %(purpose)s") % {"purpose": purpose}
        transaction.on_commit(lambda: send_mail(subject, text, None, [address]), robust=True)
    else:
        gateways.get(settings.MPP_SMS_GATEWAY)(Channel.SMS).send(
            address, text, key=f"guest-code:{confirmation.pk}"
        )
    return confirmation


def confirm_guest_code(confirmation_id: int, code: str) -> GuestConfirmation:
    """Confirm a guest's code. A wrong code is counted and the count is committed before the error
    is raised (in its own transaction: a caller's rollback cannot undo it), so the
    ``CODE_ATTEMPTS`` limit holds."""
    with transaction.atomic():
        confirmation = (
            GuestConfirmation.objects.select_for_update().filter(pk=confirmation_id).first()
        )
        now = timezone.now()
        if confirmation is None or confirmation.expires_at < now or confirmation.used_at:
            expired = _("Kode sudah tidak berlaku; mintalah kode baru.")
            raise ContactCodeError(expired, {"code": [expired]})
        if confirmation.attempts >= CODE_ATTEMPTS:
            exhausted = _("Terlalu banyak percobaan; mintalah kode baru.")
            raise ContactCodeError(exhausted, {"code": [exhausted]})
        if secrets.compare_digest(confirmation.code_hash, hash_token(code.strip())):
            confirmation.confirmed_at = now
            confirmation.save(update_fields=["confirmed_at"])
            return confirmation
        GuestConfirmation.objects.filter(pk=confirmation.pk).update(attempts=F("attempts") + 1)
    left = CODE_ATTEMPTS - confirmation.attempts - 1
    message = _("Kode salah. Sisa percobaan: %(left)s.") % {"left": left}
    if left <= 0:
        message = _("Kode salah. Percobaan habis; mintalah kode baru.")
    raise ContactCodeError(message, {"code": [message]})


def confirmed_guest(confirmation_id: object) -> GuestConfirmation | None:
    """The confirmed, not yet used confirmation with this id (kept in the guest's session)."""
    if not isinstance(confirmation_id, int):
        return None
    return GuestConfirmation.objects.filter(
        pk=confirmation_id, confirmed_at__isnull=False, used_at__isnull=True
    ).first()


def lock_unused(confirmation: GuestConfirmation) -> GuestConfirmation | None:
    """Inside the caller's transaction: the confirmation locked, or None once used or unconfirmed."""
    locked = GuestConfirmation.objects.select_for_update().filter(pk=confirmation.pk).first()
    if locked is None or locked.confirmed_at is None or locked.used_at is not None:
        return None
    return locked


def use(confirmation: GuestConfirmation, *, at: datetime.datetime) -> None:
    """Spend the confirmation (one submission per code), in the caller's transaction."""
    GuestConfirmation.objects.filter(pk=confirmation.pk).update(used_at=at)
