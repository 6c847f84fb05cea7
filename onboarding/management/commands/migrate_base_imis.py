"""Move a town from its Base IMIS database (issue 35): a dry run unless --commit."""

from django.core.management.base import BaseCommand, CommandError

from onboarding import base_imis
from spatial.models import Municipality


class Command(BaseCommand):
    help = (
        "Read a Base IMIS database and write its wards, low-income communities, roads, "
        "buildings (BINs kept), holdings with owners and containments into a municipality "
        "of this system; a dry run unless --commit. Safe to run again: it updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, help="the Base IMIS database's URL")
        parser.add_argument("--municipality", required=True, help="this system's code")
        parser.add_argument("--commit", action="store_true", help="write (else a dry run)")

    def handle(self, *args, **options):
        town = Municipality.objects.filter(code=options["municipality"]).first()
        if town is None:
            raise CommandError(f"No municipality {options['municipality']}: create it first.")
        run = base_imis.migrate(
            source=options["source"], municipality=town, commit=options["commit"]
        )
        for table, counts in run.report["tables"].items():
            line = ", ".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(f"{table}: {line}")
        for held in run.report["held"]:
            self.stdout.write(f"held {held['table']} {held['key']}: {held['reason']}")
        self.stdout.write(
            self.style.SUCCESS("Written.") if run.committed else "Dry run: nothing written."
        )
