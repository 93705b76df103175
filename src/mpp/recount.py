"""The one shape of a counter's recount command (``recount_statuses``, ``recount_complaint_stats``).

A counter kept by triggers in the writing transaction has a service that counts the source rows,
compares them with the stored counter and, asked to, writes the counted values; it returns one
difference per counter row and figure. The command prints each, and exits with status 1 when
differences were found and not fixed (for a nightly check).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class RecountCommand(BaseCommand):
    """Subclasses set ``recount`` (``fix`` → the differences) and ``describe`` (one difference →
    its line without the figures)."""

    recount: Callable[..., Sequence[Any]]

    def describe(self, item: Any) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="write the counted values")

    def handle(self, *args: Any, **options: Any) -> None:
        drift = type(self).recount(fix=options["fix"])
        for item in drift:
            self.stdout.write(
                f"{self.describe(item)}: stored {item.stored}, counted {item.counted}"
            )
        if not drift:
            self.stdout.write(self.style.SUCCESS("no differences"))
        elif options["fix"]:
            self.stdout.write(self.style.WARNING(f"{len(drift)} differences fixed"))
        else:
            self.stdout.write(self.style.ERROR(f"{len(drift)} differences"))
            raise SystemExit(1)
