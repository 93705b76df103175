"""The request id: one value that ties a request's log lines, and the tasks it enqueued, together.

The edge takes it from the ``X-Request-ID`` header (the load balancer sets it) or makes one, echoes
it in the response, and binds it here for the duration of the request; every log record carries it
(:class:`RequestIdFilter`), a task enqueued meanwhile stores it with the task
(:mod:`mpp.deadlines.request_ids`) and the worker binds it again while the task runs.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

HEADER = "X-Request-ID"
# What a request id sent by a client or proxy may look like (a UUID, a HAProxy unique id): anything
# else (too long, control characters, spaces) is replaced, so that no one writes into the logs.
ACCEPTED = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("mpp_request_id", default="")


def current() -> str:
    """The request id bound now ("" outside a request or a task that had one)."""
    return _current.get()


def accepted_or_new(sent: str | None) -> str:
    """``sent`` if it is an acceptable id, else a new random one."""
    if sent and ACCEPTED.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


@contextmanager
def bound(request_id: str) -> Iterator[None]:
    """``request_id`` bound while the block runs."""
    token = bind(request_id)
    try:
        yield
    finally:
        unbind(token)


def bind(request_id: str) -> contextvars.Token[str]:
    """Bind ``request_id`` until :func:`unbind` is given the token (a task's start and end)."""
    return _current.set(request_id)


def unbind(token: contextvars.Token[str]) -> None:
    _current.reset(token)


def clear(**kwargs: object) -> None:
    """Forget the request's id (``request_finished``: after Django's own log line for it)."""
    _current.set("")


class RequestIdFilter(logging.Filter):
    """Put the bound request id on every record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
