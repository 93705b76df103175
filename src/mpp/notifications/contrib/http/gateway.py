"""A gateway for SMS/WhatsApp providers with a plain JSON-over-HTTP API and idempotency keys.

``MPP_SMS_GATEWAY=http`` (and/or ``MPP_WHATSAPP_GATEWAY=http``) with ``MPP_SMS_HTTP_URL`` and
``MPP_SMS_HTTP_TOKEN``. The protocol (what most SMS aggregators offer, and what the simulator in
``mpp.web.simulators`` speaks):

- ``POST <url>/messages`` ``{"channel", "to", "text"}`` with the header ``Idempotency-Key``;
  answered ``{"id": …}``. A key already seen is answered with the first message's id and sends
  nothing (``honours_key``).
- ``GET <url>/messages?idempotency_key=<key>`` → ``{"id": …}``, or 404 when no message has it
  (``outcome``: what a delivery interrupted mid-send asks before sending again).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from mpp.notifications.base import Gateway, GatewayError
from mpp.notifications.registry import gateways

TIMEOUT_SECONDS = 10


@gateways.register("http")
class HttpGateway(Gateway):
    honours_key = True

    def _call(self, request: urllib.request.Request) -> dict[str, Any] | None:
        if settings.MPP_SMS_HTTP_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.MPP_SMS_HTTP_TOKEN}")
        request.add_header("Accept", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                body: dict[str, Any] = json.loads(answer.read() or b"{}")
                return body
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            # The status only: the provider's body may quote the number or the text.
            raise GatewayError(f"HTTP {error.code}") from None
        except (OSError, ValueError) as error:
            raise GatewayError(type(error).__name__) from None

    def _url(self, path: str) -> str:
        if not settings.MPP_SMS_HTTP_URL:
            raise GatewayError("MPP_SMS_HTTP_URL is not set")
        return settings.MPP_SMS_HTTP_URL.rstrip("/") + path

    def send(self, to: str, text: str, *, key: str) -> str:
        body = json.dumps({"channel": str(self.channel), "to": to, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 (the operator's configured URL)
            self._url("/messages"),
            data=body,
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
            method="POST",
        )
        answer = self._call(request)
        if not answer or not answer.get("id"):
            raise GatewayError("no message id in the answer")
        return str(answer["id"])

    def outcome(self, key: str) -> str | None:
        query = urllib.parse.urlencode({"idempotency_key": key})
        answer = self._call(urllib.request.Request(self._url(f"/messages?{query}")))  # noqa: S310
        return str(answer["id"]) if answer and answer.get("id") else None
