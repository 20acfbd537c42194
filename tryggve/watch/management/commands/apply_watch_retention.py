from django.conf import settings
from django.core.management.base import BaseCommand

from tryggve.watch.services import watch_retention_apply


class Command(BaseCommand):
    help = (
        "Delete unconfirmed neighbourhood-watch sign-ups after a week, and sign-ups in areas "
        "that never started after WATCH_SIGNUP_RETENTION_MONTHS, and the households of "
        "areas that ended WATCH_ENDED_RETENTION_MONTHS ago. Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        result = watch_retention_apply(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb}: {result['unconfirmed']} unconfirmed sign-ups, {result['never_started']} "
            f"sign-ups in areas that never started "
            f"(rule: {settings.WATCH_SIGNUP_RETENTION_MONTHS} months), {result['ended']} "
            f"households of areas that ended "
            f"(rule: {settings.WATCH_ENDED_RETENTION_MONTHS} months after the end)"
        )
