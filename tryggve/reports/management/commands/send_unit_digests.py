from django.core.management.base import BaseCommand

from tryggve.reports.services import unit_digests_send


class Command(BaseCommand):
    help = "Mail each responsible unit its open and overdue cases. Once per unit and day."

    def handle(self, *args, **options):
        result = unit_digests_send()
        self.stdout.write(f"sent={result['sent']} already_sent_today={result['skipped']}")
