"""Logging filters: a refusal is an expected event and is logged as one line."""

from __future__ import annotations

import logging


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
