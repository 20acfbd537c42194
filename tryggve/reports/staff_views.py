"""Staff pages for case handling under /personal/arenden/."""

from __future__ import annotations

import csv

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tryggve.accounts.access import staff_required
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib.views import form_action
from tryggve.reports import exports
from tryggve.reports.models import (
    OPEN_STATUSES,
    Category,
    Report,
    ReportEvent,
    SafetyFeedback,
    Status,
)
from tryggve.reports.selectors import reports_here
from tryggve.reports.services import (
    CaseError,
    report_add_update,
    report_assign_unit,
    report_change_status,
    report_event_publish,
    report_merge_duplicate,
    report_moderate,
    report_set_category,
    unit_link_revoke,
)
from tryggve.reports.staff_forms import (
    CategoryForm,
    EventPublishForm,
    InboxFilterForm,
    MergeForm,
    ModerationForm,
    StatusForm,
    UnitForm,
    UpdateForm,
    templates_by_status,
)
from tryggve.reports.views import logged_photo_response, map_context

MAP_POINTS = 2000
case_staff = staff_required("reports.cases")
figures_staff = staff_required("reports.figures")


def _here():
    """The cases of the municipality served now: a case of another is not found (404)."""
    return reports_here()


def _selection(request: HttpRequest):
    form = InboxFilterForm(request.GET or None)
    reports = form.filter(_here())
    return form, reports


@case_staff
def inbox(request: HttpRequest) -> HttpResponse:
    form, reports = _selection(request)
    counts = reports.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due__lt=timezone.now())),
        **{s.value: Count("pk", filter=Q(status=s.value)) for s in Status},
    )
    ordered = (
        reports.select_related("category", "area", "unit")
        .annotate(
            untriaged=Case(
                When(status=Status.RECEIVED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("untriaged", "-created")
    )
    page = Paginator(ordered, 50).get_page(request.GET.get("sida"))
    # The map shows the whole selection (not only this page), as far as a map can.
    # Labelled in the reader's language (`Category.name`), as the list beside the map.
    points = [
        {"ref": ref, "lat": lat, "lon": lon, "label": Category.name_in_language(name_sv, name_en)}
        for ref, lat, lon, name_sv, name_en in reports.filter(lat__isnull=False)
        .order_by("-created")
        .values_list("reference", "lat", "lon", "category__name_sv", "category__name_en")[
            :MAP_POINTS
        ]
    ]
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "reports/staff/inbox.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "points": points,
            "statuses": Status.choices,
            "query": query.urlencode(),
            **map_context(),
        },
    )


def _case(reference: str) -> Report:
    return get_object_or_404(
        _here().select_related("category", "area", "unit", "duplicate_of"),
        reference=reference,
    )


@case_staff
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    report = _case(reference)
    # Every read: besides contact details, the case holds the resident's own words (which
    # may name a neighbour), their additions and photos, anonymous report or not.
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.VIEW,
        purpose=AccessLog.Purpose.CASE,
        subject=f"{report.reference} ärendet"
        + (" med kontaktuppgifter" if report.has_contact else ""),
    )
    events = report.events.select_related("actor", "unit")
    photos = list(report.photos.all())
    nearby = []
    if report.has_position:
        others = _here().exclude(pk=report.pk).select_related("category")
        nearby = others.near(report.lat, report.lon, 150)[:10]
    context = {
        "report": report,
        "events": events,
        "photos": photos,
        "nearby": nearby,
        "status_form": StatusForm(report=report),
        "update_form": UpdateForm(),
        "unit_form": UnitForm(initial={"unit": report.unit}),
        "category_form": CategoryForm(initial={"category": report.category}),
        "moderation_form": ModerationForm(
            report=report,
            initial={
                "public_text": report.public_text or report.description,
                "published": report.published,
                "approved_photos": [str(p.pk) for p in photos if p.approved],
            },
        ),
        "merge_form": MergeForm(),
        "template_groups": templates_by_status(report),
        "unit_links": report.unit_links.valid().filter(unit=report.unit_id),
        "unit_done": _unit_done(events),
    }
    return render(request, "reports/staff/case.html", context)


def _unit_done(events) -> ReportEvent | None:
    """The unit's "work is done" that the case handler has not yet answered with a status."""
    done = None
    for event in events:
        if event.kind == ReportEvent.Kind.UNIT_DONE:
            done = event
        elif event.kind in ReportEvent.STATUS_KINDS:
            done = None
    return done


def _back(report: Report) -> str:
    return reverse("reports:staff_case", kwargs={"reference": report.reference})


@require_POST
@case_staff
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    report = _case(reference)
    form = StatusForm(request.POST, report=report)
    return form_action(
        request,
        form,
        back=_back(report),
        refused=CaseError,
        action=lambda: report_change_status(
            report=report,
            to_status=form.cleaned_data["to_status"],
            actor=request.user,
            note=form.cleaned_data["note"],
        ),
    )


@require_POST
@case_staff
def case_update(request: HttpRequest, reference: str) -> HttpResponse:
    report = _case(reference)
    form = UpdateForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(report),
        refused=CaseError,
        action=lambda: report_add_update(
            report=report,
            text=form.cleaned_data["text"],
            to_resident=form.cleaned_data["kind"] == "public",
            actor=request.user,
        ),
    )


@require_POST
@case_staff
def case_event_publish(request: HttpRequest, reference: str, event_id: int) -> HttpResponse:
    report = _case(reference)
    event = get_object_or_404(report.events, pk=event_id)
    form = EventPublishForm(request.POST)
    return form_action(
        request,
        form,
        back=f"{_back(report)}#event-{event.pk}",
        refused=CaseError,
        action=lambda: report_event_publish(
            event=event, public_text=form.cleaned_data["public_text"], actor=request.user
        ),
    )


@require_POST
@case_staff
def case_unit_link_revoke(request: HttpRequest, reference: str, link_id: int) -> HttpResponse:
    report = _case(reference)
    link = get_object_or_404(report.unit_links, pk=link_id)
    return form_action(
        request,
        forms.Form(request.POST),
        back=_back(report),
        refused=CaseError,
        action=lambda: unit_link_revoke(link=link, actor=request.user),
    )


@require_POST
@case_staff
def case_unit(request: HttpRequest, reference: str) -> HttpResponse:
    report = _case(reference)
    form = UnitForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(report),
        refused=CaseError,
        action=lambda: report_assign_unit(
            report=report, unit=form.cleaned_data["unit"], actor=request.user
        ),
    )


@require_POST
@case_staff
def case_category(request: HttpRequest, reference: str) -> HttpResponse:
    report = _case(reference)
    form = CategoryForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(report),
        refused=CaseError,
        action=lambda: report_set_category(
            report=report, category=form.cleaned_data["category"], actor=request.user
        ),
    )


@require_POST
@case_staff
def case_moderate(request: HttpRequest, reference: str) -> HttpResponse:
    report = _case(reference)
    form = ModerationForm(request.POST, report=report)
    return form_action(
        request,
        form,
        back=_back(report),
        refused=CaseError,
        action=lambda: report_moderate(
            report=report,
            public_text=form.cleaned_data["public_text"],
            published=form.cleaned_data["published"],
            approved_photo_ids=[int(pk) for pk in form.cleaned_data["approved_photos"]],
            actor=request.user,
        ),
    )


@require_POST
@case_staff
def case_merge(request: HttpRequest, reference: str) -> HttpResponse:
    report = _case(reference)
    form = MergeForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(report),
        refused=CaseError,
        action=lambda: report_merge_duplicate(
            report=report, into=form.cleaned_data["into"], actor=request.user
        ),
    )


@case_staff
def case_print(request: HttpRequest, reference: str) -> HttpResponse:
    report = _case(reference)
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.PRINT,
        purpose=AccessLog.Purpose.CASE,
        subject=f"{report.reference} utskrift",
    )
    return render(
        request,
        "reports/staff/case_print.html",
        {
            "report": report,
            "events": report.events.select_related("actor"),
            "photos": report.photos.all(),
            "printed": timezone.now(),
        },
    )


@case_staff
def case_photo(request: HttpRequest, reference: str, photo_id: int):
    report = _case(reference)
    photo = get_object_or_404(report.photos, pk=photo_id)
    return logged_photo_response(
        photo,
        actor=request.user,
        purpose=AccessLog.Purpose.CASE,
        subject=f"{report.reference} bild {photo.pk}",
    )


@case_staff
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, reports = _selection(request)
    reports = reports.select_related("category", "area", "unit").order_by("created")
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        purpose=AccessLog.Purpose.CASE,
        subject=f"urval {request.GET.urlencode()[:150]} ({fmt})",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(reports),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so Excel opens Swedish letters right
        writer = csv.writer(response, delimiter=";")
        for row in exports.rows(reports):
            writer.writerow(row)
    response["Content-Disposition"] = f'attachment; filename="arenden-{stamp}.{fmt}"'
    return response


@figures_staff
def figures(request: HttpRequest) -> HttpResponse:
    names = {c.pk: c.name for c in Category.objects.all()}
    by_category = (
        _here().values("category")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("pk", filter=Q(status=Status.RESOLVED)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due__lt=timezone.now())),
        )
        .order_by("category__order")
    )
    asked = SafetyFeedback.objects.filter(report__in=_here())
    feedback = asked.exclude(answer="")
    feedback_by_category = (
        feedback.values("report__category")
        .annotate(
            yes=Count("pk", filter=Q(answer="yes")),
            partly=Count("pk", filter=Q(answer="partly")),
            no=Count("pk", filter=Q(answer="no")),
        )
        .order_by("report__category__order")
    )
    feedback_by_unit = (
        feedback.values("report__unit__name")
        .annotate(
            yes=Count("pk", filter=Q(answer="yes")),
            partly=Count("pk", filter=Q(answer="partly")),
            no=Count("pk", filter=Q(answer="no")),
        )
        .order_by("report__unit__name")
    )
    return render(
        request,
        "reports/staff/figures.html",
        {
            # Category names in the reader's language, not the stored Swedish column.
            "by_category": [{**row, "name": names[row["category"]]} for row in by_category],
            "feedback_by_category": [
                {**row, "name": names[row["report__category"]]} for row in feedback_by_category
            ],
            "feedback_by_unit": feedback_by_unit,
            "asked": asked.count(),
        },
    )
