"""Import an earlier year's survey answers from CSV (see tryggve/surveys/importers.py).

Messages for people are Swedish through gettext, as the other import commands' are."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryggve.areas.models import Municipality
from tryggve.surveys.importers import ImportFailed, survey_import


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
        code = options["municipality"] or settings.MUNICIPALITY_CODE
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(_("Kommunen %(code)s finns inte.") % {"code": code})
        path = options["file"]
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("Kunde inte läsa %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        try:
            result = survey_import(
                municipality=municipality,
                year=options["year"],
                text=text,
                kind=options["format"],
                respondents=options["respondents"],
                is_demo=options["demo"],
            )
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(_("Inget importerades.")) from exc
        self.stdout.write(
            _("%(count)s svarande importerade till %(survey)s.")
            % {"count": result.respondents, "survey": result.survey}
        )
