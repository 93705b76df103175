"""``manage.py recount_complaint_stats [--fix]``

Compares the complaint manager's statistics per agency (``complaints.AgencyComplaintCount``, kept
by triggers) with a count of the complaints, prints every difference and, with ``--fix``, writes
the counted values. Exit status 1 when differences were found and not fixed (for a nightly check).
"""

from __future__ import annotations

from mpp.complaints import services
from mpp.recount import RecountCommand


class Command(RecountCommand):
    help = "Recount the complaint statistics per agency and report every difference."
    recount = staticmethod(services.recount_complaint_stats)

    def describe(self, item: services.StatisticsDrift) -> str:
        return f"agency={item.agency_id} mpp={item.mpp_id} region={item.region_id} {item.figure}"
