from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from mpp.documents import services


class Command(BaseCommand):
    help = (
        "Create the demo root certificate authority and one signing key and certificate per agency "
        "(kept when they exist; --force replaces them). For development and demos only."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the demo CA and every agency key (documents signed before stay valid "
            "only for verifiers that still trust the old CA).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        authority, created = services.create_demo_pki(force=force)
        self.stdout.write(
            self.style.SUCCESS(f"{authority.name}: {created} agency signing key(s) created.")
        )
