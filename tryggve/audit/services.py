from tryggve.audit.models import AccessLog
from tryggve.lib import tenancy


def access_log_record(*, actor, action: str, subject: str) -> AccessLog:
    """Record that a staff member (or, with actor None, a unit through its case link) read,
    printed or exported personal data."""
    return AccessLog.objects.create(
        actor=actor, action=action, subject=subject[:200], municipality_code=tenancy.current_code()
    )
