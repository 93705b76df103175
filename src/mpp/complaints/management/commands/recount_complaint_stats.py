"""``manage.py recount_complaint_stats [--fix]``

Compares the complaint manager's statistics per agency (``complaints.AgencyComplaintCount``, kept
by triggers) with a count of the complaints, prints every difference and, with ``--fix``, writes
the counted values. Exit status 1 when differences were found and not fixed (for a nightly check).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from mpp.complaints import services


class Command(BaseCommand):
    help = "Recount the complaint statistics per agency and report every difference."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="write the counted values")

    def handle(self, *args, **options):
        drift = services.recount_complaint_stats(fix=options["fix"])
        for item in drift:
            self.stdout.write(
                f"agency={item.agency_id} mpp={item.mpp_id} region={item.region_id} "
                f"{item.figure}: stored {item.stored}, counted {item.counted}"
            )
        if not drift:
            self.stdout.write(self.style.SUCCESS("no differences"))
        elif options["fix"]:
            self.stdout.write(self.style.WARNING(f"{len(drift)} differences fixed"))
        else:
            self.stdout.write(self.style.ERROR(f"{len(drift)} differences"))
            raise SystemExit(1)
