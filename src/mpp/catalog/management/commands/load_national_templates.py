from django.core.management.base import BaseCommand

from mpp.catalog import national_templates


class Command(BaseCommand):
    help = (
        "Publish the national service templates shipped with MPP Digital that this database does "
        "not have yet (safe to run again: existing templates are left as they are)."
    )

    def handle(self, *args, **options):
        result = national_templates.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"National templates: {len(result.templates)} shipped, {result.created} published "
                f"now, {result.existing} already present."
            )
        )
