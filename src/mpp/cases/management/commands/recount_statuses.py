"""``manage.py recount_statuses [--fix]``

Compares the officers' counts per unit and status (``cases.StatusCount``, kept by triggers) with a
count of the applications, prints every difference and, with ``--fix``, writes the counted values.
Exit status 1 when differences were found and not fixed (for a nightly check).
"""

from __future__ import annotations

from mpp.cases import services
from mpp.recount import RecountCommand


class Command(RecountCommand):
    help = "Recount applications per unit and status and report every difference."
    recount = staticmethod(services.recount_statuses)

    def describe(self, item: services.StatusDrift) -> str:
        return f"mpp={item.mpp_id} agency={item.agency_id} {item.status}"
