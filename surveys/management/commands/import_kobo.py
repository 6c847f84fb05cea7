from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from surveys import kobo
from surveys.models import SurveyCampaign


class Command(BaseCommand):
    help = "Import a KoboToolbox/ODK export (CSV or JSON) of the building survey into a campaign."

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int)
        parser.add_argument("path")
        parser.add_argument(
            "--enumerator",
            required=True,
            help="User for rows whose 'username' is not a known user.",
        )

    def handle(self, *args, **options):
        try:
            campaign = SurveyCampaign.objects.get(pk=options["campaign"])
            enumerator = get_user_model().objects.get(username=options["enumerator"])
        except (SurveyCampaign.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        with open(options["path"], "rb") as handle:
            content = handle.read()
        try:
            records = kobo.read_records(content, options["path"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        report = kobo.import_records(
            campaign=campaign, records=records, default_enumerator=enumerator
        )
        for row in report.rows:
            if row["outcome"] not in ("imported", "duplicate"):
                self.stdout.write(f"  row {row['row']}: {row['outcome']}: {row['detail']}")
        self.stdout.write(
            self.style.SUCCESS(
                ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.counts.items()))
            )
        )
