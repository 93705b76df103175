from typing import Any

from django.core.management.base import BaseCommand

from mpp.notifications import services


class Command(BaseCommand):
    help = "Sends again failed or interrupted notification deliveries (idempotent; run it on a schedule)."

    def handle(self, *args: Any, **options: Any) -> None:
        tried = services.retry_failed_notifications()
        self.stdout.write(f"notifications retried: {tried}")
