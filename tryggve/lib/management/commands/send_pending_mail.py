from django.core.management.base import BaseCommand

from tryggve.lib.mail import mail_send_pending


class Command(BaseCommand):
    help = (
        "Send stored mail that is due (cron-friendly; the task queue normally does this). "
        "--all also tries mail whose next attempt lies ahead, e.g. after a mail outage."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true")

    def handle(self, *args, **options):
        counts = mail_send_pending(include_not_due=options["all"])
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
