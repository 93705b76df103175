"""Wires the complaints app to the applications app (siblings that may not import each other):
a complaint about "one of my applications" finds it here by tracking number, in the applicant's
own list only, and keeps where it lives."""

from __future__ import annotations

from mpp.cases.selectors import applications_of_citizen
from mpp.complaints.registry import ApplicationPlace


def find_own_application(user, tracking_number: str) -> ApplicationPlace | None:
    application = (
        applications_of_citizen(user)
        .exclude(status="draft")
        .filter(tracking_number=tracking_number)
        .only("tracking_number", "mpp_id", "agency_id", "service_id")
        .first()
    )
    if application is None:
        return None
    return ApplicationPlace(
        tracking_number=application.tracking_number,
        mpp_id=application.mpp_id,
        agency_id=application.agency_id,
        service_id=application.service_id,
    )
