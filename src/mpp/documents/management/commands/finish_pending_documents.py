import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from mpp.documents import services


class Command(BaseCommand):
    help = (
        "Finish issued documents left pending by a crashed worker (idempotent; run it on a "
        "schedule, e.g. every 10 minutes)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=int(services.PENDING_GRACE.total_seconds() // 60),
            help="Only rows pending for longer than this (default: %(default)s).",
        )

    def handle(self, *args: Any, older_than_minutes: int, **options: Any) -> None:
        count = services.finish_pending_documents(
            older_than=datetime.timedelta(minutes=older_than_minutes)
        )
        self.stdout.write(f"{count} pending document(s) finished.")
