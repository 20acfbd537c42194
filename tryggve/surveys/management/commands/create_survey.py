"""Create a year's survey from the standard question bank."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tryggve.areas.models import Municipality
from tryggve.surveys.services import survey_create_from_bank


class Command(BaseCommand):
    help = "Create a survey for a year from the standard question bank (NTU-compatible)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--opens", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--closes", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--municipality", default="", help="municipality code")

    def handle(self, *args, **options):
        code = options["municipality"] or settings.MUNICIPALITY_CODE
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"No municipality with code {code}.")
        opens, closes = options["opens"], options["closes"]
        if opens and closes and closes < opens:
            raise CommandError("The survey cannot close before it opens.")
        survey = survey_create_from_bank(
            municipality=municipality, year=options["year"], opens_on=opens, closes_on=closes
        )
        self.stdout.write(f"Created {survey} with {survey.questions.count()} questions.")
