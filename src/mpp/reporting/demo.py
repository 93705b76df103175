"""Demo daily facts: recomputed from the demo applications once they are committed (idempotent)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from mpp.reporting import services


def _refresh() -> None:
    today = timezone.localdate()
    services.recompute(
        today - datetime.timedelta(days=400), today + datetime.timedelta(days=1), fix=True
    )
    services.snapshot_recent()


def load() -> None:
    """After the demo loader's transaction commits (and the workflow hooks ran), replace the
    facts of the last 400 days by the ones recomputed from the demo rows."""
    transaction.on_commit(_refresh)
