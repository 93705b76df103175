"""The SP4N-LAPOR! connector: a plugin that forwards a complaint and reads back its status.

``settings.MPP_LAPOR_CONNECTOR`` names the class (dotted path). A forward is never called in a
request: ``services.submit_complaint`` writes a :class:`~mpp.complaints.models.Forward` row in the
complaint's transaction and the task ``send_forward`` calls ``connector().forward`` (retried with
backoff by the sweep ``send_due_forwards``). The idempotency key (``mpp:<tracking number>``) goes
with every try, so LAPOR files a complaint once whatever is retried, and a complaint that came
*from* LAPOR (it carries the key already) is not sent back.

- :class:`OutboxConnector` (default): the national system's copy is a ``LaporOutbox`` row that a
  relay takes on (no network here).
- :class:`HttpConnector`: JSON over HTTP to ``MPP_LAPOR_URL`` —
  ``POST /complaints`` with the header ``Idempotency-Key``, answered ``{"tracking_id": …}`` (the
  same one again for a key already seen); ``GET /complaints/<tracking_id>`` → ``{"status": …}``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from mpp.complaints.models import Complaint, Forward, LaporOutbox

TIMEOUT_SECONDS = 10


class LaporUnavailable(Exception):
    """LAPOR did not take the complaint (down, refused, timed out); the forward is tried again.

    The message is stored and shown to the desk: an HTTP status or an error class, no content.
    """


class LaporConnector(Protocol):
    def forward(self, complaint: Complaint, key: str) -> str:
        """Hand the complaint to LAPOR once per ``key``; LAPOR's tracking number ("" if none)."""

    def status(self, complaint: Complaint) -> str: ...


def payload(complaint: Complaint) -> dict:
    return {
        "tracking_number": complaint.tracking_number,
        "kind": complaint.kind,
        "title": complaint.title,
        "text": complaint.text,
        "region": complaint.region_id,
        "anonymous": complaint.is_anonymous,
        "confidential": complaint.is_confidential,
    }


class OutboxConnector:
    """The default: the national system's copy is a row in the outbox table."""

    def forward(self, complaint: Complaint, key: str) -> str:
        LaporOutbox.objects.get_or_create(
            idempotency_key=key, defaults={"complaint": complaint, "payload": payload(complaint)}
        )
        return ""

    def status(self, complaint: Complaint) -> str:
        row = LaporOutbox.objects.filter(complaint=complaint).first()
        return row.remote_status if row else ""


class HttpConnector:
    """SP4N-LAPOR! over HTTP (``MPP_LAPOR_URL``, bearer ``MPP_LAPOR_TOKEN``)."""

    def _call(self, method: str, path: str, body: dict | None = None, key: str = "") -> dict:
        if not settings.MPP_LAPOR_URL:
            raise LaporUnavailable("MPP_LAPOR_URL is not set")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if settings.MPP_LAPOR_TOKEN:
            headers["Authorization"] = f"Bearer {settings.MPP_LAPOR_TOKEN}"
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(  # noqa: S310 (the operator's configured https URL)
            settings.MPP_LAPOR_URL.rstrip("/") + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers=headers,
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                return json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise LaporUnavailable(f"HTTP {error.code}") from None
        except (OSError, ValueError) as error:
            raise LaporUnavailable(type(error).__name__) from None

    def forward(self, complaint: Complaint, key: str) -> str:
        answer = self._call("POST", "/complaints", payload(complaint), key=key)
        return str(answer.get("tracking_id", ""))[:64]

    def status(self, complaint: Complaint) -> str:
        forward = Forward.objects.filter(complaint=complaint).first()
        if forward is None or not forward.remote_number:
            return ""
        return str(
            self._call(
                "GET", "/complaints/" + urllib.parse.quote(forward.remote_number, safe="")
            ).get("status", "")
        )


def connector() -> LaporConnector:
    return import_string(settings.MPP_LAPOR_CONNECTOR)()


def idempotency_key(complaint: Complaint) -> str:
    return f"mpp:{complaint.tracking_number}"
