from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mpp.deadlines.tasks import sweep_deadlines


class Command(BaseCommand):
    help = (
        "Flag everything past its deadline (every model that joined the sweep) and run each "
        "process's own step, e.g. approving fiktif-positif applications (idempotent; "
        "run_scheduler runs it every few minutes)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--now", help="Run as of this aware ISO 8601 moment, e.g. 2026-12-07T00:00:00+07:00"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue the task instead of running it here."
        )

    def handle(
        self, *args: Any, now: str | None = None, enqueue: bool = False, **options: Any
    ) -> None:
        if now:
            try:
                moment = datetime.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError("--now must be an ISO 8601 moment") from None
            if moment.tzinfo is None:
                raise CommandError("--now needs a time zone offset, e.g. +07:00")
        if enqueue:
            result = sweep_deadlines.enqueue(now)
            self.stdout.write(f"enqueued {result.id}")
            return
        summary = sweep_deadlines.call(now)
        for label, count in summary["breached"].items():
            counts = " ".join(
                f"{key}={value}" for key, value in summary["steps"].get(label, {}).items()
            )
            self.stdout.write(f"{label}: breached={count} {counts}".rstrip())
        for label in summary["failed"]:
            self.stderr.write(f"{label}: failed (see the log)")
