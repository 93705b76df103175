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
    def send(self, to: str, text: str) -> str:
        message = OutboxMessage.objects.create(channel=self.channel, to=to, text=text)
        return f"outbox-{message.pk}"
