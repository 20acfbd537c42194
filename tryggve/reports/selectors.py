"""Read-only questions about cases that other parts of the service ask."""

from __future__ import annotations

from tryggve.reports.models import Report, Status


def new_case_count() -> int:
    """Cases received and not yet looked at (status "Mottagen")."""
    return Report.objects.filter(status=Status.RECEIVED).count()


def overdue_case_count() -> int:
    """Open cases past their due date."""
    return Report.objects.overdue().count()
