"""The registered person's rights for staff: find everything about one e-mail address or
phone number, send it as an extract, erase what may go (`rights.services`)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tryggve.accounts.access import staff_required
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.rights.forms import EraseForm, PersonForm
from tryggve.rights.services import (
    person_data_document,
    person_data_erase,
    person_data_find,
)
from tryggve.watch.services import UNCONFIRMED_DAYS

rights_staff = staff_required("rights.requests")


def _page(request, form, *, found=None, erase_form=None, status=200) -> HttpResponse:
    if found is not None and erase_form is None:
        erase_form = EraseForm(auto_id="radera_%s")
    return render(
        request,
        "rights/person.html",
        {"form": form, "found": found, "erase_form": erase_form},
        status=status,
    )


def _find(form, request, action: str):
    data = form.cleaned_data
    found = person_data_find(email=data["email"], phone=data["phone"])
    access_log_record(
        actor=request.user,
        action=action,
        purpose=AccessLog.Purpose.RIGHTS,
        subject=("registerutdrag: " if action == AccessLog.Action.EXPORT else "sökning: ")
        + found.summary(),
    )
    return found


# The address searched for goes in a POST body, never in the URL (history, server logs).
@rights_staff
def person(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, PersonForm())
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    return _page(request, form, found=_find(form, request, AccessLog.Action.VIEW))


@rights_staff
@require_POST
def person_export(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    found = _find(form, request, AccessLog.Action.EXPORT)
    body = json.dumps(person_data_document(found), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="registerutdrag-{stamp}.json"'
    return response


@rights_staff
@require_POST
def person_erase(request: HttpRequest) -> HttpResponse:
    erase_form = EraseForm(request.POST, auto_id="radera_%s")
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    found = _find(form, request, AccessLog.Action.VIEW)
    if not erase_form.is_valid():
        return _page(request, form, found=found, erase_form=erase_form, status=400)
    counts = person_data_erase(
        found=found, actor=request.user, reports_too=erase_form.cleaned_data["reports_too"]
    )
    messages.success(
        request,
        _(
            "Raderat: %(households)s hushåll i grannsamverkan, %(messages)s utskick, "
            "kontaktuppgifter i %(reports)s ärenden."
        )
        % counts,
    )
    # Back to an empty search: a reload must not send the erasure again.
    return redirect("rights:person")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice (personuppgiftspolicy) for residents: every time limit it states
    is read from the settings that the retention commands apply, so the page says what the
    code does."""
    return render(
        request,
        "privacy.html",
        {
            "retention": {
                "contact_months": settings.CONTACT_RETENTION_MONTHS,
                "unconfirmed_days": UNCONFIRMED_DAYS,
                "never_started_months": settings.WATCH_SIGNUP_RETENTION_MONTHS,
                "ended_months": settings.WATCH_ENDED_RETENTION_MONTHS,
                "outbox_days": settings.OUTBOX_RETENTION_DAYS,
                "access_log_months": settings.ACCESS_LOG_RETENTION_MONTHS,
                "backup_days": settings.BACKUP_RETENTION_DAYS,
                "survey_text_years": settings.SURVEY_TEXT_RETENTION_YEARS,
            },
            "geocoder_on": bool(settings.GEOCODER_URL),
        },
    )
