import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from mpp.deadlines import schedule
from mpp.deadlines.leader import Leadership


class Command(BaseCommand):
    help = (
        "Enqueue the periodic sweeps (deadlines, notification and hook retries, pending documents) "
        "on their intervals from MPP_SCHEDULE, until stopped (SIGTERM or Ctrl-C). On PostgreSQL "
        "any number may run: the one holding the scheduler's advisory lock enqueues, the others "
        "wait to take over."
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
        schedule.run(stop, leadership=Leadership(), say=self.stdout.write, once=once)
