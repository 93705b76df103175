"""Re-encrypt every connector's secrets under the first key of MPP_INTEGRATION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mpp.integrations import services


class Command(BaseCommand):
    help = "Re-encrypt connector secrets under the first key of MPP_INTEGRATION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.rotate_secrets()
        self.stdout.write(f"{count} configuration(s) re-encrypted")
