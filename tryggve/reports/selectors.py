"""Read-only questions about cases that other parts of the service ask."""

from __future__ import annotations

from tryggve.areas.selectors import home_municipality
from tryggve.areas.serving import serves_several
from tryggve.reports.models import Report, ReportQuerySet, Status


def reports_here() -> ReportQuerySet:
    """The reports of the municipality served now; every page starts from these. A
    deployment serving one municipality has no others, so it filters nothing (and asks
    nothing more of the database than before)."""
    if not serves_several():
        return Report.objects.all()
    return Report.objects.for_municipality(home_municipality())


def new_case_count() -> int:
    """Cases received and not yet looked at (status "Mottagen")."""
    return reports_here().filter(status=Status.RECEIVED).count()


def overdue_case_count() -> int:
    """Open cases past their due date."""
    return reports_here().overdue().count()
