"""Read-only questions about cases that other parts of the service ask."""

from __future__ import annotations

from tryggve.areas.selectors import home_municipality, home_municipality_code
from tryggve.areas.serving import serves_several
from tryggve.reports.models import (
    Category,
    MunicipalityOwnedQuerySet,
    Report,
    ReportQuerySet,
    ResponseTemplate,
    Status,
    Unit,
)


def reports_here() -> ReportQuerySet:
    """The reports of the municipality served now; every page starts from these. Scoped
    also while one municipality is served: a neighbour's reports may be kept beside it
    (set up before routing is turned on) and must not show or count. By code then (a
    join), so that such a deployment asks the database nothing more; reports without a
    municipality are the default one's (`ReportQuerySet.for_code`)."""
    if not serves_several():
        return Report.objects.for_code(home_municipality_code())
    return Report.objects.for_municipality(home_municipality())


def report_opens_here(report: Report) -> bool:
    """May a link's token (tracking, safety feedback, a unit's link) open `report` on the
    site served now? Only on its own municipality's site: elsewhere its pages answer 404
    (GET and POST alike), never wearing another municipality's name. A deployment serving
    one municipality has one site, so every report opens there (and nothing is asked)."""
    if not serves_several():
        return True
    return reports_here().filter(pk=report.pk).exists()


def _owned_here(model) -> MunicipalityOwnedQuerySet:
    # Scoped also while one municipality is served: a neighbour's categories, units and
    # templates may be set up beside it before routing is turned on. By code (a join), so
    # that no page asks the database for the municipality's row first (the public map
    # answers with two queries).
    return model.objects.for_code(home_municipality_code())


def categories_here() -> MunicipalityOwnedQuerySet:
    """The categories of the municipality served now: the report form, the map's filter,
    Open311's services and every staff form offer these."""
    return _owned_here(Category)


def units_here() -> MunicipalityOwnedQuerySet:
    """The units of the municipality served now: a case can be sent to these only."""
    return _owned_here(Unit)


def response_templates_here() -> MunicipalityOwnedQuerySet:
    """The response templates of the municipality served now."""
    return _owned_here(ResponseTemplate)


def new_case_count() -> int:
    """Cases received and not yet looked at (status "Mottagen")."""
    return reports_here().filter(status=Status.RECEIVED).count()


def overdue_case_count() -> int:
    """Open cases past their due date."""
    return reports_here().overdue().count()
