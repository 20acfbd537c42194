"""Count every year's survey results and store them, so that no results page counts during
a request (after a deploy, a CSV import or a bulk load; the answer form and paper entry
queue their recounts themselves)."""

import time

from django.core.management.base import BaseCommand

from tryggve.surveys import results
from tryggve.surveys.models import Survey


class Command(BaseCommand):
    help = "Count and store the results of every survey year (what the results pages serve)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="only this year")

    def handle(self, *args, **options):
        surveys = Survey.objects.current_versions().select_related("municipality")
        if options["year"] is not None:
            surveys = surveys.filter(year=options["year"])
        for survey in surveys.order_by("municipality_id", "year"):
            started = time.monotonic()
            results.results_refresh(survey=survey)
            self.stdout.write(f"{survey}: counted in {time.monotonic() - started:.1f} s")
