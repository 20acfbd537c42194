"""Import an earlier year's survey answers from CSV (see tryggve/surveys/importers.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tryggve.areas.models import Municipality
from tryggve.surveys.importers import (
    ImportFailed,
    import_answer_rows,
    import_counts,
    survey_for_year,
)


class Command(BaseCommand):
    help = "Import a year's survey answers: one row per respondent, or counts per answer."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["rows", "counts"], default="rows")
        parser.add_argument("--respondents", type=int, default=0)
        parser.add_argument("--municipality", default="", help="municipality code")
        parser.add_argument("--demo", action="store_true", help="mark as demo data")

    def handle(self, *args, **options):
        from django.conf import settings

        code = options["municipality"] or settings.MUNICIPALITY_CODE
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"No municipality with code {code}.")
        try:
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        survey = survey_for_year(
            municipality=municipality, year=options["year"], is_demo=options["demo"]
        )
        try:
            if options["format"] == "rows":
                result = import_answer_rows(survey=survey, text=text, is_demo=options["demo"])
            else:
                result = import_counts(
                    survey=survey, text=text, respondents=options["respondents"]
                )
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError("Nothing imported.") from exc
        self.stdout.write(f"Imported {result.respondents} respondents into {survey}.")
