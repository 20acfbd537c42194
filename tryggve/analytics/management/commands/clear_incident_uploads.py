from datetime import timedelta

from django.core.management.base import BaseCommand

from tryggve.analytics.uploads import incident_imports_clear_abandoned, incident_imports_fail_stale


class Command(BaseCommand):
    help = (
        "Delete incident files uploaded on the lägesbild import page whose columns were never "
        "chosen (untouched for a day by default), with their contents; and mark as failed "
        "the imports queued or running for over two hours (their worker died or never ran), "
        "forgetting their files. Safe to run hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="age after which an abandoned upload goes"
        )

    def handle(self, *args, **options):
        hours = max(1, options["hours"])
        removed = incident_imports_clear_abandoned(older_than=timedelta(hours=hours))
        self.stdout.write(f"removed: {removed} abandoned incident uploads older than {hours} hours")
        stale = incident_imports_fail_stale()
        self.stdout.write(
            f"failed: {stale} incident imports queued or running for over 2 hours, or running "
            "without progress for 15 minutes"
        )
