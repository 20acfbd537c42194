from django.core.management.base import BaseCommand

from tryggve.reports.services import safety_feedback_ask_due


class Command(BaseCommand):
    help = "Ask 'Känns platsen tryggare nu?' two weeks after resolution. Safe to run daily."

    def handle(self, *args, **options):
        self.stdout.write(f"asked={safety_feedback_ask_due()}")
