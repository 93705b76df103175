"""``manage.py recount_statuses [--fix]``

Compares the officers' counts per unit and status (``cases.StatusCount``, kept by triggers) with a
count of the applications, prints every difference and, with ``--fix``, writes the counted values.
Exit status 1 when differences were found and not fixed (for a nightly check).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from mpp.cases import services


class Command(BaseCommand):
    help = "Recount applications per unit and status and report every difference."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="write the counted values")

    def handle(self, *args, **options):
        drift = services.recount_statuses(fix=options["fix"])
        for item in drift:
            self.stdout.write(
                f"mpp={item.mpp_id} agency={item.agency_id} {item.status}: "
                f"stored {item.stored}, counted {item.counted}"
            )
        if not drift:
            self.stdout.write(self.style.SUCCESS("no differences"))
        elif options["fix"]:
            self.stdout.write(self.style.WARNING(f"{len(drift)} differences fixed"))
        else:
            self.stdout.write(self.style.ERROR(f"{len(drift)} differences"))
            raise SystemExit(1)
