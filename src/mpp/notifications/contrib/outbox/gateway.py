"""The default gateway: writes each SMS/WhatsApp text to the ``OutboxMessage`` table.

Nothing leaves the system; a relay or an operator takes the queued rows to a provider. It is the
safe default for development, tests and pilots without a provider contract.
"""

from __future__ import annotations

from mpp.notifications.base import Gateway
from mpp.notifications.models import OutboxMessage
from mpp.notifications.registry import gateways


@gateways.register("outbox")
class OutboxGateway(Gateway):
    honours_key = True

    def send(self, to: str, text: str, *, key: str) -> str:
        message, _created = OutboxMessage.objects.get_or_create(
            idempotency_key=key, defaults={"channel": self.channel, "to": to, "text": text}
        )
        return f"outbox-{message.pk}"

    def outcome(self, key: str) -> str | None:
        pk = OutboxMessage.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()
        return f"outbox-{pk}" if pk else None
