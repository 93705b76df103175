"""Every write of the notifications app: notify, deliver, retry, read, preferences."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts.models import User
from mpp.errors import ServiceError
from mpp.notifications import context as context_codec
from mpp.notifications import registry
from mpp.notifications.base import (
    PHONE_CHANNELS,
    Channel,
    Gateway,
    GatewayError,
    NotificationKind,
    OutcomeUnknown,
)
from mpp.notifications.models import (
    Delivery,
    InboxMessage,
    Language,
    Notification,
    NotificationPreference,
)
from mpp.notifications.rendering import RenderedMessage, render_message
from mpp.notifications.selectors import preference_for, unread_key

logger = logging.getLogger(__name__)

# A delivery is tried at most this many times (the first send and the retries of the sweep).
MAX_ATTEMPTS = 5

NIK_LIKE = re.compile(r"\d{16}")


class InvalidLink(ValueError):
    pass


def _check_link(link: str) -> None:
    """Links are site-relative paths without personal data: they end up in emails and SMS."""
    if not link:
        return
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        raise InvalidLink("notification links must be site-relative paths such as '/akun/...'")
    if len(link) > 500:
        raise InvalidLink("notification links are at most 500 characters")
    if NIK_LIKE.search(link):
        raise InvalidLink("notification links must not carry a NIK or other personal data")


def notify(
    recipient: User,
    kind: str,
    context: Mapping[str, Any] | None = None,
    *,
    link: str = "",
    channels: Iterable[Channel | str] | None = None,
) -> Notification:
    """Tell ``recipient`` about something, over every channel they allow.

    Call it inside your own transaction: the notification is stored with your change and its
    delivery is enqueued as a task only when the transaction commits, so nothing is sent for a
    change that rolled back. ``channels`` narrows the kind's channels (e.g. ``[Channel.INBOX]``).
    Mistakes of the caller (unknown kind, missing context, bad link) raise here, not in the worker.
    """
    notification_kind, encoded = _checked(kind, context, link)
    chosen = notification_kind.channels
    if channels is not None:
        chosen = chosen & frozenset(Channel(channel) for channel in channels)
    # No savepoint inside the caller's transaction (two statements fewer per notice): the two rows
    # go with the caller's change or not at all; alone, they are one transaction.
    with transaction.atomic(savepoint=False):
        notification = Notification.objects.create(
            recipient=recipient, kind=kind, context=encoded, link=link
        )
        Delivery.objects.bulk_create(
            [Delivery(notification=notification, channel=channel) for channel in sorted(chosen)]
        )
        # robust: a failing enqueue must not break the caller's request after its commit; the
        # retry sweep finds the pending deliveries.
        transaction.on_commit(partial(_enqueue_delivery, str(notification.pk)), robust=True)
    return notification


def notify_contact(
    address: str,
    kind: str,
    context: Mapping[str, Any] | None = None,
    *,
    link: str = "",
    language: str = Language.INDONESIAN,
) -> Notification:
    """Tell someone without an account, at the contact they gave: an email address (email) or a
    phone number (SMS through the configured gateway).

    Like :func:`notify`: stored in the caller's transaction, sent by a task after the commit,
    retried by the same sweep. A contact has no inbox and no preferences; giving the address for
    this purpose is the consent.
    """
    address = (address or "").strip()
    if not address:
        raise ValueError("notify_contact needs an email address or a phone number")
    _kind, encoded = _checked(kind, context, link)
    channel = Channel.EMAIL if "@" in address else Channel.SMS
    if language not in Language.values:
        language = Language.INDONESIAN
    with transaction.atomic(savepoint=False):  # as notify: no savepoint in the caller's
        notification = Notification.objects.create(
            address=address,
            language=language,
            kind=kind,
            context=encoded,
            link=link,
        )
        Delivery.objects.create(notification=notification, channel=channel)
        transaction.on_commit(partial(_enqueue_delivery, str(notification.pk)), robust=True)
    return notification


def _checked(
    kind: str, context: Mapping[str, Any] | None, link: str
) -> tuple[NotificationKind, dict[str, Any]]:
    """The kind and the encoded context, refused here (in the caller, not the worker) when the
    caller names an unknown kind, leaves out context the kind needs or gives a bad link."""
    notification_kind = registry.kinds.get(kind)
    values = dict(context or {})
    missing = [key for key in notification_kind.required_context if key not in values]
    if missing:
        raise ValueError(f"notification {kind!r} needs context: {', '.join(missing)}")
    _check_link(link)
    return notification_kind, context_codec.encode(values)


def _enqueue_delivery(notification_id: str) -> None:
    from mpp.notifications.tasks import deliver_notification  # tasks.py imports this module

    deliver_notification.enqueue(notification_id)


def _address(channel: Channel, user: User) -> str:
    if channel == Channel.EMAIL:
        return user.email
    if channel in PHONE_CHANNELS:
        return user.phone
    return str(user.pk)


def describe_error(error: BaseException, recipient: User | None, *, address: str = "") -> str:
    """What went wrong, fit to store and log: never an address, a number or the person's data.

    Only network and provider errors keep their message (scrubbed of addresses and numbers);
    any other error is named by its class alone, because its message may quote the context
    (a template error prints every variable).
    """
    described = type(error).__name__
    if isinstance(error, GatewayError | OSError):
        text = str(error)
        known = (
            (recipient.email, recipient.phone, recipient.nik, recipient.name) if recipient else ()
        )
        for value in (*known, address):
            if value:
                text = text.replace(value, "[…]")
        text = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "[surel]", text)
        text = re.sub(r"\+?\d[\d\s-]{5,}\d", "[nomor]", text)
        if text:
            described += f": {text}"
    return described[:300]


def lost_pending_after() -> timedelta:
    """A delivery still "pending" after this long was never picked up (its task was lost)."""
    return timedelta(seconds=settings.MPP_LOST_PENDING_SECONDS)


def stale_sending_before(now: datetime) -> datetime:
    """A delivery "sending" since before this moment belongs to a worker that died mid-send."""
    return now - timedelta(seconds=settings.MPP_STALE_SENDING_SECONDS)


def _email_message_id(key: str) -> str:
    """The same Message-ID on every try, so mail systems that see it twice keep one message."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or "mpp.localhost"
    return f"<{key}@{domain}>"


def _gateway(channel: Channel) -> Gateway:
    gateway_id = {
        Channel.SMS: settings.MPP_SMS_GATEWAY,
        Channel.WHATSAPP: settings.MPP_WHATSAPP_GATEWAY,
    }[channel]
    return registry.gateways.get(gateway_id)(channel)


def _earlier_outcome(channel: Channel, key: str) -> str | None:
    """For a try whose worker died mid-send: the provider's id if the message went out.

    None means "not sent, send it" (the inbox row is unique; email goes again with the same
    Message-ID). Raises ``OutcomeUnknown`` when sending again could deliver it twice.
    """
    if channel not in PHONE_CHANNELS:
        return None
    gateway = _gateway(channel)
    try:
        return gateway.outcome(key)
    except OutcomeUnknown:
        if gateway.honours_key:
            return None
        raise


def _send(
    channel: Channel,
    notification: Notification,
    message: RenderedMessage,
    address: str,
    key: str,
) -> str:
    """Hands the message to the channel with the delivery's key; returns the provider's id."""
    if channel == Channel.INBOX:
        if notification.recipient is None:  # an inbox belongs to an account; guests get mail/SMS
            raise ValueError("an inbox message needs a recipient account")
        inbox_message, _created = InboxMessage.objects.get_or_create(
            notification=notification,
            defaults={
                "recipient": notification.recipient,
                "kind": notification.kind,
                "subject": message.subject,
                "body": message.body,
                "link": notification.link,
            },
        )
        return str(inbox_message.pk)
    if channel == Channel.EMAIL:
        message_id = _email_message_id(key)
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[address],
            headers={
                "Message-ID": message_id,
                "X-MPP-Notification": str(notification.pk),
                "X-MPP-Idempotency-Key": key,
            },
        ).send(fail_silently=False)
        return message_id
    return _gateway(channel).send(address, message.body, key=key)


def _sendable(now: datetime) -> Q:
    """Deliveries to (re)try: pending, failed, or left "sending" by a worker that died."""
    return Q(status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED]) | Q(
        status=Delivery.Status.SENDING, last_attempt_at__lt=stale_sending_before(now)
    )


def _claim(delivery_id: int, skip_reason: str) -> tuple[Delivery, bool] | None:
    """Marks the delivery as being sent by this worker, or skipped; None if someone else has it.

    The flag says whether an earlier try was interrupted mid-send (its outcome is unknown).
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().filter(_sendable(now), pk=delivery_id).first()
        )
        if delivery is None:
            return None
        interrupted = delivery.status == Delivery.Status.SENDING
        if delivery.attempts >= MAX_ATTEMPTS and not interrupted:
            return None
        if skip_reason:
            delivery.status = Delivery.Status.SKIPPED
            delivery.error = skip_reason
            delivery.save(update_fields=["status", "error"])
            return None
        delivery.status = Delivery.Status.SENDING
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.save(update_fields=["status", "attempts", "last_attempt_at"])
        return delivery, interrupted


@dataclass(frozen=True)
class _Recipient:
    """An account with its preferences, or a contact without an account (``user`` None)."""

    user: User | None
    preference: NotificationPreference
    contact: str = ""

    def address(self, channel: Channel) -> str:
        if self.user is None:
            return self.contact
        return _address(channel, self.user)

    @property
    def name(self) -> str:
        if self.user is None:
            return ""
        return self.user.name or self.user.username


def _deliver_one(
    delivery: Delivery,
    notification: Notification,
    kind: NotificationKind,
    context: dict[str, Any],
    recipient: _Recipient,
) -> None:
    channel = Channel(delivery.channel)
    address = recipient.address(channel)
    skip_reason = ""
    if not recipient.preference.allows(channel):
        skip_reason = "opted_out"
    elif not address:
        skip_reason = "no_address"
    taken = _claim(delivery.pk, skip_reason)
    if taken is None:
        return
    claimed, interrupted = taken
    key = claimed.idempotency_key
    try:
        earlier = _earlier_outcome(channel, key) if interrupted else None
    except Exception as error:
        described = f"uncertain: {describe_error(error, recipient.user, address=address)}"[:300]
        if isinstance(error, OutcomeUnknown) or claimed.attempts >= MAX_ATTEMPTS:
            # Neither askable nor safe to send twice: a person looks at it (never a second SMS).
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, attempts=MAX_ATTEMPTS, error=described
            )
        else:
            # The provider could not be asked just now: still "sending", asked again later.
            Delivery.objects.filter(pk=delivery.pk).update(error=described)
        return
    if earlier is not None:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENT, provider_id=earlier[:200], sent_at=timezone.now(), error=""
        )
        return
    try:
        message = render_message(
            kind,
            channel,
            context,
            link=notification.link,
            language=recipient.preference.language,
            recipient_name=recipient.name,
            has_account=recipient.user is not None,
        )
        provider_id = _send(channel, notification, message, address, key)
    except Exception as error:
        # One channel failing (SMTP down, provider refusing) must not stop the others: the error is
        # recorded without personal data and the sweep retries it.
        described = describe_error(error, recipient.user, address=address)
        logger.warning(
            "notification delivery failed: notification=%s channel=%s attempt=%s error=%s",
            notification.pk,
            channel.value,
            claimed.attempts,
            described,
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, error=described
        )
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT,
        provider_id=str(provider_id)[:200],
        sent_at=timezone.now(),
        error="",
    )


def deliver_notification(notification_id: str) -> dict[str, str]:
    """Renders and sends every channel of a notification that is not sent yet.

    Idempotent: a sent (or skipped) channel is never sent again, and a channel being sent by
    another worker is left alone. Returns the resulting status per channel.
    """
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:
        return {}
    kind = registry.kinds.get(notification.kind)
    context = context_codec.decode(notification.context)
    if notification.recipient is None:
        # A contact without an account: no preferences to ask, the language they used.
        preference = NotificationPreference(language=notification.language or Language.INDONESIAN)
        recipient = _Recipient(None, preference, contact=notification.address)
    else:
        recipient = _Recipient(notification.recipient, preference_for(notification.recipient))
    for delivery in notification.deliveries.filter(_sendable(timezone.now())).order_by("channel"):
        _deliver_one(delivery, notification, kind, context, recipient)
    return dict(notification.deliveries.values_list("channel", "status"))


def retry_failed_notifications(*, now: datetime | None = None) -> int:
    """Sends again what failed, what a dead worker left half-sent and what was never picked up.

    Idempotent: run it as often as you like (a scheduler every 10 minutes, say); a delivery that
    is sent, skipped or out of attempts is left alone. Returns the number of notifications tried.
    """
    now = now or timezone.now()
    notification_ids = list(
        Delivery.objects.filter(
            Q(status=Delivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
            | Q(status=Delivery.Status.PENDING, created_at__lt=now - lost_pending_after())
            | Q(status=Delivery.Status.SENDING, last_attempt_at__lt=stale_sending_before(now))
        )
        .values_list("notification_id", flat=True)
        .distinct()
    )
    for notification_id in notification_ids:
        deliver_notification(str(notification_id))
    return len(notification_ids)


# --- Inbox ------------------------------------------------------------------------------------


def unread_changed(
    sender: object = None, instance: InboxMessage | None = None, **kwargs: object
) -> None:
    """Signal receiver and hook for writes of inbox messages: the recipient's cached unread count
    (``selectors.unread_count``) is stale now and again after the commit."""
    if instance is None:
        return
    forget_unread(instance.recipient_id)


def forget_unread(user_id: int) -> None:
    key = unread_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def mark_read(message: InboxMessage) -> InboxMessage:
    """Marks a message (already scoped to its reader by a selector) as read, once."""
    if message.read_at is None:
        now = timezone.now()
        InboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        message.read_at = now
        forget_unread(message.recipient_id)  # .update() sends no post_save
    return message


def mark_all_read(user: User) -> int:
    marked = InboxMessage.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    forget_unread(user.pk)
    return marked


# --- Preferences ------------------------------------------------------------------------------


class PreferenceError(ServiceError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("", errors)


def update_preferences(
    user: User,
    *,
    language: str,
    email_enabled: bool,
    sms_enabled: bool,
    whatsapp_enabled: bool,
) -> NotificationPreference:
    """Saves how ``user`` wants to be told; refuses a channel the account has no address for."""
    errors: dict[str, list[str]] = {}
    if language not in Language.values:
        errors["language"] = [_("Pilih Bahasa Indonesia atau English.")]
    if email_enabled and not user.email:
        errors["email_enabled"] = [
            _("Akun Anda belum mempunyai alamat surel, jadi surel tidak dapat diaktifkan.")
        ]
    for field, enabled in (("sms_enabled", sms_enabled), ("whatsapp_enabled", whatsapp_enabled)):
        if enabled and not user.phone:
            errors[field] = [
                _(
                    "Akun Anda belum mempunyai nomor telepon, jadi saluran ini tidak dapat diaktifkan."
                )
            ]
    if errors:
        raise PreferenceError(errors)
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "language": language,
            "email_enabled": email_enabled,
            "sms_enabled": sms_enabled,
            "whatsapp_enabled": whatsapp_enabled,
        },
    )
    return preference
