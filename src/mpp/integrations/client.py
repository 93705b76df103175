"""The one way out: every call to an outside system goes through :meth:`Connection.call`.

It has a timeout (always), goes through the (connector, region) circuit breaker, is tried again
only when the operation is idempotent (through :func:`mpp.deadlines.retry.retry_call`), and is
written to the call log — connector, region, operation, outcome, status code, latency and time,
never what was sent or answered. A failure reaches the caller as :class:`Unavailable`, which a
process turns into "belum terverifikasi — akan dicek ulang", never into an error page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from django.conf import settings

from mpp.deadlines.retry import retry_call
from mpp.integrations import breaker, clock
from mpp.integrations.models import Call, ConnectorConfig, Outcome
from mpp.integrations.registry import Connector

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Unavailable(Exception):
    """The outside system gave no usable answer (down, slow, refused, garbled, or not called)."""

    def __init__(
        self, outcome: Outcome, *, retryable: bool = False, status: int | None = None
    ) -> None:
        super().__init__(outcome.value)
        self.outcome = outcome
        self.retryable = retryable
        self.status = status  # the HTTP status of a refusal (a 401 asks for a new token)


class BadAnswer(ValueError):
    """A connector's parser found the answer unreadable."""


def transport_for(connection: Connection) -> httpx.BaseTransport | None:
    """The transport under httpx (None: the network). Tests point it at a simulator or a fake."""
    return None


def timeout() -> httpx.Timeout:
    return httpx.Timeout(
        settings.MPP_INTEGRATION_TIMEOUT_SECONDS,
        connect=settings.MPP_INTEGRATION_CONNECT_TIMEOUT_SECONDS,
    )


@dataclass
class Connection:
    """One configured connector of one region, ready to call."""

    connector: Connector
    config: ConnectorConfig
    secrets: dict[str, str] = field(repr=False)

    @property
    def key(self) -> str:
        return self.connector.key

    @property
    def region_id(self) -> str | None:
        return self.config.region_id

    @property
    def endpoint(self) -> str:
        if self.config.endpoint:
            return self.config.endpoint
        return self.connector.default_endpoint() if self.connector.default_endpoint else ""

    def option(self, name: str) -> str:
        for setting in self.connector.settings:
            if setting.name == name:
                if setting.secret:
                    return self.secrets.get(name, "")
                return str(self.config.options.get(name) or setting.default)
        raise KeyError(name)

    def _log(
        self, operation: str, outcome: Outcome, status: int | None, started: float | None
    ) -> None:
        latency = None if started is None else int((time.perf_counter() - started) * 1000)
        Call.objects.create(
            at=clock.now(),
            connector=self.key,
            region_id=self.region_id,
            operation=operation,
            outcome=outcome,
            status_code=status,
            latency_ms=latency,
        )
        if outcome != Outcome.OK:
            logger.warning(
                "integration %s (%s) %s: %s",
                self.key,
                self.region_id or "national",
                operation,
                outcome.value,
            )

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        parse: Callable[[Any], T],
        idempotent: bool,
        json: Any = None,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> T:
        """Send one request and return ``parse(answer JSON)``, or raise :class:`Unavailable`.

        ``json`` or ``data`` (a form) is the body, ``params`` the query string. Neither is logged:
        httpx's own request line (which names the URL with its query) is kept at WARNING.
        """
        if not breaker.allow(self.key, self.region_id):
            self._log(operation, Outcome.CIRCUIT_OPEN, None, None)
            raise Unavailable(Outcome.CIRCUIT_OPEN)

        def attempt() -> T:
            started = time.perf_counter()
            if not self.endpoint:  # configured without one, and no simulator to fall back on
                self._log(operation, Outcome.UNREACHABLE, None, None)
                raise Unavailable(Outcome.UNREACHABLE)
            try:
                with httpx.Client(
                    base_url=self.endpoint, timeout=timeout(), transport=transport_for(self)
                ) as http:
                    response = http.request(
                        method, path, json=json, data=data, params=params, headers=headers
                    )
            except httpx.TimeoutException:
                self._log(operation, Outcome.TIMEOUT, None, started)
                raise Unavailable(Outcome.TIMEOUT, retryable=True) from None
            except (httpx.HTTPError, ValueError):  # refused connection, bad URL, TLS …
                self._log(operation, Outcome.UNREACHABLE, None, started)
                raise Unavailable(Outcome.UNREACHABLE, retryable=True) from None
            status = response.status_code
            if status >= 500:
                self._log(operation, Outcome.ERROR, status, started)
                raise Unavailable(Outcome.ERROR, retryable=True)
            if status >= 300:
                self._log(operation, Outcome.REFUSED, status, started)
                raise Unavailable(Outcome.REFUSED, status=status)
            try:
                result = parse(response.json())
            except (ValueError, KeyError, TypeError, AttributeError):
                self._log(operation, Outcome.GARBAGE, status, started)
                raise Unavailable(Outcome.GARBAGE) from None
            self._log(operation, Outcome.OK, status, started)
            return result

        try:
            result = retry_call(
                attempt,
                tries=settings.MPP_INTEGRATION_TRIES if idempotent else 1,
                retry_on=lambda error: isinstance(error, Unavailable) and error.retryable,
            )
        except Unavailable:
            breaker.failed(self.key, self.region_id)
            raise
        breaker.succeeded(self.key, self.region_id)
        return result
