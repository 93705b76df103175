import datetime
import logging
import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from mpp.deadlines import schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Enqueue the periodic sweeps (deadlines, notification and hook retries, pending documents) "
        "on their intervals from MPP_SCHEDULE, until stopped (SIGTERM or Ctrl-C)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Enqueue every sweep once, then exit."
        )

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        stop = threading.Event()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        entries = schedule.entries()
        last_run: dict[str, datetime.datetime] = {}
        while not stop.is_set():
            now = timezone.now()
            for entry in schedule.due(entries, last_run, now):
                try:
                    result_id = schedule.enqueue(entry)
                    self.stdout.write(
                        f"{now:%Y-%m-%d %H:%M:%S} enqueued {entry.task_path} {result_id}"
                    )
                except Exception as error:
                    # A broken enqueue (database away) is retried at the next interval.
                    logger.error("could not enqueue %s: %s", entry.task_path, type(error).__name__)
                last_run[entry.task_path] = now
            if once:
                return
            stop.wait(min(e.every for e in entries).total_seconds() / 5 if entries else 60)
