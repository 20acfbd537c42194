from django.core.management.base import BaseCommand

from tryggve.reports.pending import clear_stale_pending


class Command(BaseCommand):
    help = (
        "Remove photos waiting under MEDIA_ROOT/pending/ for a report form that was never "
        "sent (untouched for a day by default). Safe to run hourly or daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="age after which a waiting photo goes"
        )

    def handle(self, *args, **options):
        hours = max(1, options["hours"])
        removed = clear_stale_pending(max_age_hours=hours)
        self.stdout.write(f"removed: {removed} abandoned forms' photos older than {hours} hours")
