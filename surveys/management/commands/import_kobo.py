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
            "--map",
            action="append",
            default=[],
            metavar="KOBO=USER",
            help="Kobo user name = enumerator's user name (repeatable); remembered.",
        )
        parser.add_argument(
            "--enumerator",
            help="User for rows whose Kobo user is neither mapped nor an enumerator's name.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and keep nothing."
        )

    def handle(self, *args, **options):
        try:
            campaign = SurveyCampaign.objects.get(pk=options["campaign"])
            default = (
                get_user_model().objects.get(username=options["enumerator"])
                if options["enumerator"]
                else None
            )
        except (SurveyCampaign.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        mapping = {}
        for pair in options["map"]:
            kobo_name, _sep, user = pair.partition("=")
            if not kobo_name.strip() or not user.strip():
                raise CommandError(f"--map wants KOBO=USER, not {pair!r}")
            mapping[kobo_name.strip()] = user.strip()
        with open(options["path"], "rb") as handle:
            content = handle.read()
        try:
            records = kobo.read_records(content, options["path"])
            enumerators = kobo.enumerators_for(
                municipality=campaign.municipality,
                usernames=kobo.kobo_usernames(records),
                mapping=mapping,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        report = kobo.import_records(
            campaign=campaign,
            records=records,
            enumerators=enumerators,
            default_enumerator=default,
            commit=not options["dry_run"],
            remember={name: enumerators[name] for name in mapping},
        )
        for row in report.rows:
            if row["outcome"] not in ("imported", "importable", "duplicate"):
                self.stdout.write(f"  row {row['row']}: {row['outcome']}: {row['detail']}")
        self.stdout.write(
            self.style.SUCCESS(
                ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.counts.items()))
            )
        )
