"""Reads of the audit trail and of the personal-data access log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from mpp.audit.models import AccessRecord

if TYPE_CHECKING:
    from mpp.accounts.models import User


def access_log_of(user: User, application_id: int | None = None) -> QuerySet[AccessRecord]:
    """Who looked at the citizen's data (newest first), optionally for one application."""
    rows = AccessRecord.objects.filter(subject=user)
    if application_id is not None:
        rows = rows.filter(application_id=application_id)
    return rows.order_by("-at", "-id")
