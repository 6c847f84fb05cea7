"""Write the building and sanitation survey XLSForm (surveys/xlsform.py) for KoboToolbox or
ODK: `manage.py kobo_form building_survey.xlsx`."""

from pathlib import Path

from django.core.management.base import BaseCommand

from surveys import xlsform


class Command(BaseCommand):
    help = "Write the building and sanitation survey as an XLSForm (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="where to write the .xlsx file")

    def handle(self, *args, path: Path, **options):
        xlsform.write(path)
        self.stdout.write(f"Wrote {path}")
