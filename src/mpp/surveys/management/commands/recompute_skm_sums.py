import datetime

from django.core.management.base import BaseCommand, CommandError

from mpp.surveys.recompute import compare


class Command(BaseCommand):
    help = (
        "Recompute the SKM day sums (and the per-officer sums of U7) from the responses and the "
        "transition history and report every difference (--fix rewrites the kept sums)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", default="2000-01-01", help="first local day (YYYY-MM-DD)")
        parser.add_argument("--end", default="2100-12-31", help="last local day (YYYY-MM-DD)")
        parser.add_argument("--fix", action="store_true", help="rewrite the sums that differ")

    def handle(self, *args, start, end, fix, **options):
        try:
            first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        except ValueError as error:
            raise CommandError(f"dates are YYYY-MM-DD: {error}") from None
        differences = compare(first, last, fix=fix)
        for item in differences[:200]:
            officer = "" if item.officer is None else f" officer {item.officer}"
            self.stdout.write(
                f"{item.day} {item.unit} {item.element}{officer}: kept total/count {item.kept[0]}/"
                f"{item.kept[1]}, recomputed {item.recomputed[0]}/{item.recomputed[1]}"
            )
        if len(differences) > 200:
            self.stdout.write(f"... and {len(differences) - 200} more")
        if differences:
            verb = "rewritten" if fix else "found"
            self.stdout.write(self.style.WARNING(f"{len(differences)} difference(s) {verb}."))
        else:
            self.stdout.write(self.style.SUCCESS("The SKM day sums match the responses."))
