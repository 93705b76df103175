"""The contracts of the notifications app: channels, kinds of message and SMS/WhatsApp gateways."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Surel")
    INBOX = "inbox", _("Kotak pesan")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


# Channels whose text goes to a phone number through a ``Gateway``.
PHONE_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP})


@dataclass(frozen=True)
class NotificationKind:
    """One kind of message, e.g. ``application.submitted``.

    Its texts are Django templates written in Indonesian with ``{% translate %}`` /
    ``{% blocktranslate %}``, rendered in the recipient's language, found in ``template_dir``:

    - ``subject.txt`` — one line, for email and the inbox;
    - ``body.txt`` — plain text, for email and the inbox;
    - ``text.txt`` — a short text for SMS and WhatsApp (keep it under 160 characters).

    A channel may override any of them with ``<channel>_subject.txt``, ``<channel>_body.txt`` or
    ``<channel>.txt`` (e.g. ``whatsapp.txt``). ``required_context`` lists the keys ``notify`` must be
    given, so a caller's mistake fails in the caller's transaction instead of in a worker later.
    """

    identifier: str
    label: str | Promise
    required_context: tuple[str, ...] = ()
    channels: frozenset[Channel] = field(default_factory=lambda: frozenset(Channel))
    template_dir: str = ""

    @property
    def templates(self) -> str:
        return self.template_dir or f"notifications/kinds/{self.identifier}"

    def subject_templates(self, channel: Channel) -> list[str]:
        return [f"{self.templates}/{channel}_subject.txt", f"{self.templates}/subject.txt"]

    def body_templates(self, channel: Channel) -> list[str]:
        if channel in PHONE_CHANNELS:
            return [f"{self.templates}/{channel}.txt", f"{self.templates}/text.txt"]
        return [f"{self.templates}/{channel}_body.txt", f"{self.templates}/body.txt"]


class GatewayError(Exception):
    """A provider refused or failed to take a message.

    The message is stored and logged: it must not contain the phone number or the text.
    """


class OutcomeUnknown(Exception):
    """The provider cannot be asked whether it already has a message with a given key."""


class Gateway(ABC):
    """Sends a short text to a phone number through one provider, for one channel (SMS or WhatsApp).

    Register an implementation with ``@registry.gateways.register("<id>")`` and select it per
    channel with the settings ``MPP_SMS_GATEWAY`` / ``MPP_WHATSAPP_GATEWAY``. ``send`` returns the
    provider's message id; it raises (``GatewayError`` or anything else) when the message was not
    accepted, and the delivery is then retried by ``retry_failed_notifications``.

    Every send carries ``key``, the delivery's idempotency key: pass it to the provider wherever
    its protocol allows (a header, a client reference field). When a worker died between the
    provider's answer and the "sent" mark, the delivery's outcome is unknown; before sending it
    again the delivery asks ``outcome(key)``. A gateway whose provider can neither be asked nor
    drops a repeated key (``honours_key``) is never sent twice: the delivery is marked failed
    ("uncertain") for a person to look at.
    """

    # True when the provider keeps one message per key, so sending again with the key is safe.
    honours_key: bool = False

    def __init__(self, channel: Channel):
        self.channel = channel

    @abstractmethod
    def send(self, to: str, text: str, *, key: str) -> str:
        """Hand ``text`` to the provider for ``to`` (E.164-like, e.g. ``+6281234567890``)."""

    def outcome(self, key: str) -> str | None:
        """The provider's id of the message sent with ``key``, None if it has none.

        Raises ``OutcomeUnknown`` when the provider cannot be asked (the default).
        """
        raise OutcomeUnknown(type(self).__name__)
