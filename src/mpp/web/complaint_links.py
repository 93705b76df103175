"""Wires the complaints app to the applications app (siblings that may not import each other):
a complaint about "one of my applications" finds it here by tracking number, in the applicant's
own list only, and keeps where it lives."""

from __future__ import annotations

from mpp.cases.selectors import applications_of_citizen
from mpp.complaints.registry import ApplicationPlace


def find_own_application(user, tracking_number: str) -> ApplicationPlace | None:
    # Plain values: the citizen's list joins and defers columns for its page, and combining
    # ``only()`` with those joins is a FieldError (a deferred field traversed by select_related).
    found = (
        applications_of_citizen(user)
        .exclude(status="draft")
        .filter(tracking_number=tracking_number)
        .values("tracking_number", "mpp_id", "agency_id", "service_id")
        .first()
    )
    return ApplicationPlace(**found) if found is not None else None
