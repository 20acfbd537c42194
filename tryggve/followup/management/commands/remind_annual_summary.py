from django.core.management.base import BaseCommand
from django.utils import timezone

from tryggve.followup.services import summary_reminders_send


class Command(BaseCommand):
    help = (
        "Daily: from a month before the annual summary is due (the council's last meeting), "
        "mail the follow-up's editors once a year. Safe to repeat. Prints: sent=N."
    )

    def handle(self, *args, **options):
        sent = summary_reminders_send(today=timezone.localdate())
        self.stdout.write(f"sent={sent}")
