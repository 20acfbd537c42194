from django.conf import settings
from django.core.management.base import BaseCommand

from tryggve.lib.mail import mail_prune
from tryggve.reports.services import retention_apply


class Command(BaseCommand):
    help = (
        "Dispose of contact details and unpublished photos of cases closed more than "
        "CONTACT_RETENTION_MONTHS ago. The public record stays. Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only say what would go")

    def handle(self, *args, **options):
        result = retention_apply(dry_run=options["dry_run"])
        mails = mail_prune(days=settings.OUTBOX_RETENTION_DAYS, dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(
            f"{verb}: contact details of {result['reports']} closed cases, "
            f"{result['photos']} unpublished photos "
            f"(rule: {settings.CONTACT_RETENTION_MONTHS} months after closing); "
            f"{mails} sent messages older than {settings.OUTBOX_RETENTION_DAYS} days"
        )
