from django.conf import settings
from django.core.management.base import BaseCommand

from tryggve.surveys.services import survey_texts_dispose


class Command(BaseCommand):
    help = (
        "Dispose of the words of the safety survey's free-text and place answers of years "
        "older than SURVEY_TEXT_RETENTION_YEARS (0 keeps them); answers, themes, points "
        "and counts stay. Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only say what would go")

    def handle(self, *args, **options):
        count = survey_texts_dispose(dry_run=options["dry_run"])
        verb = "would dispose of" if options["dry_run"] else "disposed of"
        years = settings.SURVEY_TEXT_RETENTION_YEARS
        rule = f"{years} years after the survey year" if years > 0 else "off: kept"
        self.stdout.write(f"{verb} the words of {count} free-text answers (rule: {rule})")
