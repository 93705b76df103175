"""Logging filters and formats: a refusal is an expected event and is logged as one line."""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter


class OneLineRefusals(logging.Filter):
    """Drop the traceback Django attaches to "Forbidden" (403) and other 4xx request records.

    A PermissionDenied is the policy working, not a fault; its traceback only buries real errors.
    5xx records keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.") and status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class JsonLines(JsonFormatter):
    """One JSON object per record (``MPP_LOG_FORMAT=json``): time, level, logger, message,
    request_id and the record's other extra fields, but never the request object Django attaches
    to its request records (its text holds the full path and query string)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)
