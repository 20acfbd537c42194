"""The responsible unit's page for one case, opened through the link mailed to the unit
(no account). The same page behind the login, for the unit's own staff, is in
unit_staff_views.py; both show the place, category, description and photos, never the
resident's contact details."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib.guard import public_post
from tryggve.reports.forms import UnitNoteForm
from tryggve.reports.models import Report, ReportEvent, Unit, UnitLink, hash_token
from tryggve.reports.selectors import report_opens_here
from tryggve.reports.services import CaseError, report_unit_note
from tryggve.reports.views import logged_photo_response


def unit_case_page(
    request: HttpRequest,
    *,
    report: Report,
    unit: Unit,
    base: str,
    token: str | None = None,
    link: UnitLink | None = None,
    form: UnitNoteForm | None = None,
) -> HttpResponse:
    """Render the unit's view of a case: what the unit needs to act, and its own notes."""
    response = render(
        request,
        "reports/unit_case.html",
        {
            "base_template": base,
            "report": report,
            "unit": unit,
            "token": token,
            "link": link,
            "photos": report.photos.all(),
            "unit_events": report.events.filter(
                kind__in=(ReportEvent.Kind.UNIT_NOTE, ReportEvent.Kind.UNIT_DONE)
            ).select_related("unit", "actor"),
            "form": form or UnitNoteForm(),
        },
        status=200,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def unit_note_post(request: HttpRequest, *, report: Report, unit: Unit, actor, back: str):
    """Validate the unit's note and record it; None when the form must be shown again."""
    form = UnitNoteForm(request.POST)
    if not form.is_valid():
        return form, None
    try:
        report_unit_note(
            report=report,
            unit=unit,
            text=form.cleaned_data["text"],
            done=form.cleaned_data["done"],
            actor=actor,
        )
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _saved(form.cleaned_data["done"]))
    return form, redirect(back)


def _saved(done: bool) -> str:
    if done:
        return _("Tack! Handläggaren ser att arbetet är klart och bekräftar det.")
    return _("Tack! Handläggaren ser ert besked i ärendet.")


def _link(token: str) -> UnitLink:
    """The one access check for the link pages: an unknown token, or one opened on another
    municipality's site than its case's, is 404; an expired or revoked link, or one whose
    case has moved to another unit, is refused."""
    link = (
        UnitLink.objects.select_related("unit", "report__category", "report__area")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not report_opens_here(link.report):
        raise Http404
    if not link.is_valid:
        raise LinkExpired
    return link


class LinkExpired(Exception):
    """A unit's link that no longer opens its case."""


def _expired(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/unit_link_expired.html", status=410)


@require_safe
@never_cache
def unit_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = _link(token)
    except LinkExpired:
        return _expired(request)
    access_log_record(
        actor=None,
        action=AccessLog.Action.VIEW,
        purpose=AccessLog.Purpose.UNIT,
        subject=f"{link.report.reference} via länk till {link.unit.name}",
    )
    return unit_case_page(
        request, report=link.report, unit=link.unit, base="base.html", token=token, link=link
    )


@require_POST
@public_post("unit_note")
def unit_link_note(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = _link(token)
    except LinkExpired:
        return _expired(request)
    back = reverse("reports:unit_link", args=[token])
    form, response = unit_note_post(
        request, report=link.report, unit=link.unit, actor=None, back=back
    )
    return response or unit_case_page(
        request, report=link.report, unit=link.unit, base="base.html", token=token, link=link,
        form=form,
    )


@require_safe
def unit_link_photo(request: HttpRequest, token: str, photo_id: int) -> FileResponse:
    try:
        link = _link(token)
    except LinkExpired:
        raise Http404 from None
    photo = get_object_or_404(link.report.photos, pk=photo_id)
    return logged_photo_response(
        photo,
        actor=None,
        purpose=AccessLog.Purpose.UNIT,
        subject=f"{link.report.reference} bild {photo.pk} via länk till {link.unit.name}",
    )
