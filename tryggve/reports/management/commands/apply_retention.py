from django.conf import settings
from django.core.management.base import BaseCommand

from tryggve.accounts.services import login_records_prune
from tryggve.audit.services import access_log_prune
from tryggve.lib.mail import mail_prune
from tryggve.lib.sessions import sessions_clear_expired
from tryggve.reports.services import retention_apply


class Command(BaseCommand):
    help = (
        "Dispose of contact details and unpublished photos of cases closed more than "
        "CONTACT_RETENTION_MONTHS ago (the public record stays), sent mail older than "
        "OUTBOX_RETENTION_DAYS, access-log rows older than ACCESS_LOG_RETENTION_MONTHS, "
        "staff login records older than LOGIN_LOG_RETENTION_DAYS and expired sessions. "
        "Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only say what would go")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        result = retention_apply(dry_run=dry_run)
        mails = mail_prune(days=settings.OUTBOX_RETENTION_DAYS, dry_run=dry_run)
        logs = access_log_prune(dry_run=dry_run)
        logins = login_records_prune(days=settings.LOGIN_LOG_RETENTION_DAYS, dry_run=dry_run)
        sessions = sessions_clear_expired(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"{verb}: contact details of {result['reports']} closed cases, "
            f"{result['photos']} unpublished photos "
            f"(rule: {settings.CONTACT_RETENTION_MONTHS} months after closing); "
            f"{mails} sent messages older than {settings.OUTBOX_RETENTION_DAYS} days; "
            f"{logs} access-log rows older than {settings.ACCESS_LOG_RETENTION_MONTHS} months; "
            f"{logins} login records older than {settings.LOGIN_LOG_RETENTION_DAYS} days; "
            f"{sessions} expired sessions"
        )
