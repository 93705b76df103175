"""The integrations' one clock, so that tests can move it (breaker cool-downs, retries, 24 hours)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()
