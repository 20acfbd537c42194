from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tryggve.audit.models import AccessLog
from tryggve.lib import tenancy


def access_log_record(*, actor, action: str, purpose: str, subject: str) -> AccessLog:
    """Record that a staff member (or, with actor None, a unit through its case link) read,
    printed, exported or erased personal data, and why (`AccessLog.Purpose`)."""
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    return AccessLog.objects.create(
        actor=actor,
        action=action,
        purpose=purpose,
        subject=subject[:200],
        municipality_code=tenancy.current_code(),
    )


def access_log_prune(*, now=None, dry_run: bool = False) -> int:
    """Delete access-log rows older than `ACCESS_LOG_RETENTION_MONTHS`: the log is itself
    personal data about staff, kept long enough to answer a complaint or a registered
    person's question about who read their data, then disposed of."""
    now = now or timezone.now()
    months = settings.ACCESS_LOG_RETENTION_MONTHS
    old = AccessLog.objects.filter(created__lt=now - timedelta(days=round(months * 365.25 / 12)))
    count = old.count()
    if not dry_run:
        old.delete()
    return count
