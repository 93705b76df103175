"""``manage.py recompute_facts --start 2026-11-01 --end 2026-11-30 [--fix] [--source applications]``

Recomputes the daily facts of a range of days from the source rows, prints every difference with
the stored table and, with ``--fix``, writes the recomputed values. Exit status 1 when differences
were found and not fixed (for a nightly check).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from mpp.reporting import facts, services


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = "Recompute daily facts from the source rows and report every difference."

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--fix", action="store_true", help="write the recomputed values")
        parser.add_argument("--source", action="append", help="only this fact source (repeatable)")

    def handle(self, *args, **options):
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("--end is before --start")
        known = {s.name for s in facts.registry.sources()}
        for name in options["source"] or ():
            if name not in known:
                raise CommandError(
                    f"unknown fact source {name!r} (known: {', '.join(sorted(known))})"
                )
        report = services.recompute(start, end, fix=options["fix"], sources=options["source"])
        for difference in report.differences:
            key = difference.key
            unit = " ".join(f"{n}={v}" for n, v in key.unit._asdict().items() if v is not None)
            self.stdout.write(
                f"{key.day} {key.metric} {unit}: stored {difference.stored}, "
                f"recomputed {difference.expected}"
            )
        count = len(report.differences)
        if count == 0:
            self.stdout.write(self.style.SUCCESS(f"no differences ({start} – {end})"))
        elif options["fix"]:
            self.stdout.write(self.style.WARNING(f"{count} differences fixed"))
        else:
            self.stdout.write(self.style.ERROR(f"{count} differences"))
            raise SystemExit(1)
