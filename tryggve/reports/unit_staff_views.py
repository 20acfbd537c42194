"""The unit's pages behind the login (/personal/enhet/): staff who belong to a unit (the
police's officers, the street department's staff) see the cases sent to their unit and act
on them as through the unit's link (see unit_views.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tryggve.accounts.access import staff_required
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.reports.models import Report
from tryggve.reports.selectors import reports_here
from tryggve.reports.unit_views import unit_case_page, unit_note_post
from tryggve.reports.views import logged_photo_response

# Any staff role may hold a unit membership; the membership decides which cases open.
unit_staff = staff_required("reports.unit")
unit_case_staff = staff_required("reports.unit_case")


def _member_case(request: HttpRequest, reference: str) -> Report | None:
    """The case, if it lies with a unit this user belongs to; None means 403."""
    report = get_object_or_404(
        reports_here().select_related(
            "category", "area", "unit"
        ),
        reference=reference,
    )
    if report.unit_id is None or not report.unit.members.filter(pk=request.user.pk).exists():
        return None
    return report


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/forbidden.html", status=403)


@unit_staff
def unit_inbox(request: HttpRequest) -> HttpResponse:
    reports = (
        reports_here()
        .open()
        .filter(unit__members=request.user)
        .select_related("category", "area", "unit")
        .order_by("due")
    )
    return render(request, "reports/unit_inbox.html", {"reports": reports})


@unit_case_staff
def unit_staff_case(request: HttpRequest, reference: str) -> HttpResponse:
    report = _member_case(request, reference)
    if report is None:
        return _forbidden(request)
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.VIEW,
        purpose=AccessLog.Purpose.UNIT,
        subject=f"{reference} enhetens sida",
    )
    return unit_case_page(request, report=report, unit=report.unit, base="staff_base.html")


@require_POST
@unit_case_staff
def unit_staff_note(request: HttpRequest, reference: str) -> HttpResponse:
    report = _member_case(request, reference)
    if report is None:
        return _forbidden(request)
    form, response = unit_note_post(
        request,
        report=report,
        unit=report.unit,
        actor=request.user,
        back=reverse("reports:unit_staff_case", args=[reference]),
    )
    return response or unit_case_page(
        request, report=report, unit=report.unit, base="staff_base.html", form=form
    )


@unit_case_staff
def unit_staff_photo(request: HttpRequest, reference: str, photo_id: int):
    report = _member_case(request, reference)
    if report is None:
        return _forbidden(request)
    photo = get_object_or_404(report.photos, pk=photo_id)
    return logged_photo_response(
        photo,
        actor=request.user,
        purpose=AccessLog.Purpose.UNIT,
        subject=f"{reference} bild {photo.pk} enhetens sida",
    )
