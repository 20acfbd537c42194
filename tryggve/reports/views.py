from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from tryggve.areas.geocoder import place_search
from tryggve.areas.selectors import (
    example_coordinates,
    point_in_municipality,
)
from tryggve.areas.selectors import map_context as area_map_context
from tryggve.areas.serving import served_now
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib.guard import client_ip, public_post
from tryggve.reports import geojson, pending
from tryggve.reports.forms import MapFilterForm, ReportForm, ResidentInfoForm, SafetyFeedbackForm
from tryggve.reports.models import (
    Report,
    ReportPhoto,
    SafetyFeedback,
    TimeOfDay,
    Voice,
    hash_token,
    status_legend,
    stored_submission_key,
)
from tryggve.reports.selectors import report_opens_here, reports_here
from tryggve.reports.services import (
    CaseError,
    report_add_resident_info,
    report_add_voice,
    report_can_reopen,
    report_create,
    report_reopen,
    report_routed_elsewhere,
    safety_feedback_answer,
    speaking_for,
    tracking_url,
    voter_hash,
)


def _here():
    """The reports of the municipality served now: every public page shows only these."""
    return reports_here()


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def map_context() -> dict:
    return area_map_context(
        chosen=_("Vald plats:"),
        located=_("Din position:"),
        locating=_("Hämtar din position …"),
        locateFailed=_(
            "Vi kunde inte hämta din position. Klicka på kartan eller beskriv platsen med ord."
        ),
        tilesFailed=_(
            "Kartbilden kunde inte laddas. Du kan ändå välja plats inom "
            "kommungränsen, eller beskriva platsen med ord."
        ),
        truncated=_("Kartan visar de 500 senaste rapporterna här. Zooma in för att se fler."),
        loadFailed=_("Rapporterna kunde inte hämtas till kartan. Listan nedan gäller ändå."),
        searching=_("Söker …"),
        searchFailed=_(
            "Sökningen gick inte att göra just nu. Välj platsen på kartan eller beskriv den "
            "med ord."
        ),
        pickHint=_("Välj platsen i listan:"),
        invalidFilter=_("Urvalet innehåller ett värde som inte finns, så kartan visar inget."),
    )


def form_context() -> dict:
    """What the report form needs beside the form: its map, and an example of coordinates
    inside the municipality served (never another municipality's)."""
    latitude, longitude = example_coordinates()
    return {**map_context(), "example_lat": latitude, "example_lon": longitude}


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    recent = _here().published().select_related("category")[:5]
    counts = {
        "received": _here().count(),
        "resolved": _here().filter(status="resolved").count(),
    }
    return render(request, "reports/start.html", {"recent": recent, "counts": counts})


def _report_bucket(request: HttpRequest) -> str:
    """Agreeing with a report from the form is a voice, and limited as one; finding the
    place (the search without JavaScript) saves nothing and is limited on its own."""
    if "place_search" in request.POST or "place_pick" in request.POST:
        return "place_search"
    # Only a real "me too" is a voice; any other agree_with is a new report and counts as one.
    if _here().agreeable(request.POST.get("agree_with", "")) is not None:
        return "voice"
    return "report"


@never_cache
@public_post(_report_bucket)
def report_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = ReportForm(initial={"submission_key": uuid.uuid4()})
        return render(request, "reports/report_form.html", {"form": form, **form_context()})

    if "place_search" in request.POST or "place_pick" in request.POST:
        return _place_step(request)
    # Only a published report can be agreed with: an unpublished one is not public yet.
    report = _here().agreeable(request.POST.get("agree_with", ""))
    if report is not None:
        time_of_day = request.POST.get("time_of_day", "")
        report_add_voice(
            report=report,
            session_key=_session_key(request),
            time_of_day=time_of_day if time_of_day in TimeOfDay.values else "",
        )
        request.session["last_voice"] = report.reference
        return redirect("reports:voice_thanks")

    form = ReportForm(request.POST, request.FILES)
    nearby = []
    if form.is_valid():
        data = form.cleaned_data
        if not data["confirm_new"]:
            nearby = _nearby_duplicates(data)
        if not nearby:
            report, token = report_create(
                category=data["category"],
                time_of_day=data["time_of_day"],
                severity=data["severity"],
                description=data["description"],
                lat=data["lat"],
                lon=data["lon"],
                place_description=data["place_description"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                photos=pending.pending_load(data["submission_key"]),
                submission_key=data["submission_key"],
            )
            pending.pending_clear(data["submission_key"])
            request.session["last_receipt"] = report.reference
            # Only until the receipt has shown it once (see `receipt`).
            request.session["receipt_token"] = token
            return redirect("reports:receipt")
    context = {
        "form": form,
        "nearby": nearby,
        "voiced": _voiced(request, nearby),
        **form_context(),
    }
    return render(request, "reports/report_form.html", context, status=200)


# What the place step carries over from the posted form (photos wait under the key).
PLACE_STEP_FIELDS = [
    "submission_key", "lat", "lon", "place_description", "place_query", "category",
    "time_of_day", "severity", "description", "contact_name", "contact_email", "contact_phone",
]


def _picked(value: str) -> tuple[float, float, str] | None:
    """A candidate chosen in the place list ("lat|lon|label"), if it is a place in the
    municipality; anything else is ignored."""
    parts = value.split("|", 2)
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except (ValueError, IndexError):
        return None
    if not point_in_municipality(lat=lat, lon=lon):
        return None
    return lat, lon, parts[2][:300] if len(parts) == 3 else ""


def _place_step(request: HttpRequest) -> HttpResponse:
    """Finding the place without JavaScript: list the places matching the search box, or
    take the one picked, and show the form again with everything the resident entered."""
    ReportForm(request.POST, request.FILES).is_valid()  # parks any new photos
    initial = {name: request.POST.get(name, "") for name in PLACE_STEP_FIELDS}
    if not ReportForm(data={"submission_key": initial["submission_key"]})._key():
        initial["submission_key"] = uuid.uuid4()
    context = {}
    picked = _picked(request.POST.get("place_pick", ""))
    if picked:
        initial["lat"], initial["lon"], label = picked
        initial["place_description"] = initial["place_description"] or label
        context["place_picked"] = label
    else:
        context["place_result"] = place_search(
            query=request.POST.get("place_query", ""), client=client_ip(request)
        )
    form = ReportForm(initial=initial)
    return render(request, "reports/report_form.html", {"form": form, **context, **form_context()})


@require_GET
def place_search_json(request: HttpRequest) -> JsonResponse:
    """Suggestions for the report form's search box. While typing (`typing=1`) only the
    places the system knows answer; the geocoder is asked when the resident searches."""
    result = place_search(
        query=request.GET.get("q", ""),
        client=client_ip(request),
        known_only=request.GET.get("typing") == "1",
    )
    return JsonResponse(
        {
            "query": result.query,
            "results": [c.as_dict() for c in result.candidates],
            "message": result.message,
        }
    )


def _nearby_duplicates(data: dict) -> list[Report]:
    """Published open reports of the same kind close by, unless this form was already filed.

    Only published ones: the check must not reveal what staff have not made public. Their
    distance is shown rounded up ("inom 25 m"), never to the metre.
    """
    key = data["submission_key"]
    filed = key is not None and (
        Report.objects.filter(submission_key=stored_submission_key(key)).exists()
    )
    if data["lat"] is None or filed:
        return []
    nearby = (
        _here()
        .published()
        .open()
        .filter(category=data["category"])
        .select_related("category")
        .near(data["lat"], data["lon"], settings.DUPLICATE_RADIUS_M)
    )
    for report in nearby:
        report.within_m = next(
            (step for step in (10, 25, 50) if report.distance_m <= step),
            settings.DUPLICATE_RADIUS_M,
        )
    return nearby


def _voiced(request: HttpRequest, reports) -> set[str]:
    """References of the reports this browser session has already agreed with."""
    if not reports or not request.session.session_key:
        return set()
    return set(
        Voice.objects.filter(
            report__in=reports, voter_hash=voter_hash(request.session.session_key)
        ).values_list("report__reference", flat=True)
    )


@never_cache
@require_safe
def receipt(request: HttpRequest) -> HttpResponse:
    reference = request.session.get("last_receipt")
    report = Report.objects.filter(reference=reference).first() if reference else None
    if report is None:
        return redirect("reports:new")
    # The plaintext token stays in the session for this one page view, never longer.
    token = request.session.pop("receipt_token", None)
    # Placed in a neighbour this deployment also serves: filed there, and said so.
    routed_to = report_routed_elsewhere(report)
    link = path = None
    if token:
        # The token opens the report only on its own municipality's site, so the link goes
        # there (its host or path prefix), also from the neighbour's form it was sent on.
        with speaking_for(report):
            link = tracking_url(token, request)
            path = link if routed_to else reverse("reports:tracking", args=[token])
    return render(
        request,
        "reports/receipt.html",
        {"report": report, "routed_to": routed_to, "tracking_url": link, "tracking_path": path},
    )


@require_safe
def voice_thanks(request: HttpRequest) -> HttpResponse:
    reference = request.session.get("last_voice")
    report = get_object_or_404(Report, reference=reference) if reference else None
    if report is None:
        return redirect("reports:new")
    return render(request, "reports/voice_thanks.html", {"report": report})


def _tracked(token: str) -> Report:
    # A token opens its report only on its own municipality's site (404 elsewhere).
    report = Report.objects.select_related("category", "area").by_tracking_token(token)
    if report is None or not report_opens_here(report):
        raise Http404
    return report


@never_cache
@require_safe
def tracking(request: HttpRequest, token: str) -> HttpResponse:
    return _tracking_page(request, _tracked(token), token)


def _tracking_page(request, report, token, info_form=None, reopen_form=None, status=200):
    response = render(
        request,
        "reports/tracking.html",
        {
            "report": report,
            "events": report.events.for_resident(),
            "photos": report.photos.all(),
            "token": token,
            "info_form": info_form or ResidentInfoForm(),
            "reopen_form": reopen_form or ResidentInfoForm(),
            "can_reopen": report_can_reopen(report),
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def tracking_photo(request: HttpRequest, token: str, photo_id: int) -> FileResponse:
    report = _tracked(token)
    photo = get_object_or_404(ReportPhoto, pk=photo_id, report=report)
    return photo_response(photo, private=True)


def logged_photo_response(photo: ReportPhoto, *, actor, purpose: str, subject: str) -> FileResponse:
    """A private photo read by staff or a unit (actor None: through a unit's link), written
    to the access log with why: a photo may show a person or a home."""
    access_log_record(actor=actor, action=AccessLog.Action.VIEW, purpose=purpose, subject=subject)
    return photo_response(photo, private=True)


def photo_response(photo: ReportPhoto, private: bool) -> FileResponse:
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300" if private else "public, max-age=3600"
    return response


def _filtered(request: HttpRequest):
    """The published reports the filters ask for, and the same filters for the map's API
    (None when a filter is invalid: then the list and the map are both empty, and the
    form says why, rather than the list ignoring the filter and the map refusing it)."""
    form = MapFilterForm(request.GET or None)
    reports = _here().published().select_related("category")
    if not form.is_bound:
        return form, reports, {}
    if not form.is_valid():
        return form, reports.none(), None
    data, api = form.cleaned_data, {}
    if data["category"]:
        reports = reports.filter(category=data["category"])
        api["category"] = data["category"].slug
    if data["status"]:
        reports = reports.filter(status=data["status"])
        api["status"] = data["status"]
    if data["period"]:
        # The same boundary as the API's `since` (midnight, local time), so both agree.
        since = timezone.localdate() - timedelta(days=int(data["period"]))
        reports = reports.filter(
            created__gte=timezone.make_aware(datetime.combine(since, time.min))
        )
        api["since"] = since.isoformat()
    return form, reports, api


@require_safe
def public_map(request: HttpRequest) -> HttpResponse:
    form, reports, api_filters = _filtered(request)
    page = Paginator(reports, 25).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    context = map_context()
    context["map_config"]["filters"] = api_filters
    context["map_config"]["geojsonUrl"] = reverse("reports:geojson")
    return render(
        request,
        "reports/public_map.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "legend": status_legend(),
            **context,
        },
    )


@require_safe
def public_report(request: HttpRequest, reference: str) -> HttpResponse:
    report = get_object_or_404(
        _here().published().select_related("category", "area"), reference=reference
    )
    return render(
        request,
        "reports/public_report.html",
        {
            "report": report,
            "events": report.events.for_public().exclude(kind="created"),
            "photos": report.photos.filter(approved=True),
            "voiced": report.reference in _voiced(request, [report]),
        },
    )


@require_POST
@public_post("voice", rerender=False)
def public_report_voice(request: HttpRequest, reference: str) -> HttpResponse:
    report = get_object_or_404(_here().published(), reference=reference)
    if not report.is_open:
        messages.info(request, _("Ärendet är avslutat och tar inte emot fler röster."))
    elif report_add_voice(report=report, session_key=_session_key(request)):
        messages.success(
            request, _("Tack! Vi har noterat att du också tycker att platsen känns otrygg.")
        )
    else:
        messages.info(request, _("Du har redan sagt att du håller med om den här platsen."))
    return redirect("reports:public_report", reference=reference)


@require_safe
def public_photo(request: HttpRequest, photo_id: int) -> FileResponse:
    photo = get_object_or_404(
        ReportPhoto, pk=photo_id, approved=True, report__published=True,
        report__in=_here(),
    )
    return photo_response(photo, private=False)


@require_safe
def reports_geojson(request: HttpRequest) -> HttpResponse:
    try:
        query = geojson.parse_query(request.GET)
    except geojson.BadQuery as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    # Scoped also with routing off (a neighbour's reports may be kept beside the served
    # municipality's), by the pk from the cached routing table (no query).
    home = served_now()
    if home is not None:
        query = dataclasses.replace(
            query,
            municipality=home.pk,
            with_unassigned=home.code == settings.MUNICIPALITY_CODE,
        )
    # The text is built by geojson.map_answer itself (JsonResponse would encode it again).
    return HttpResponse(geojson.map_answer(query), content_type="application/json")


@require_POST
@public_post("report_addition")
def tracking_add_info(request: HttpRequest, token: str) -> HttpResponse:
    report = _tracked(token)
    form = ResidentInfoForm(request.POST)
    if form.is_valid():
        report_add_resident_info(report=report, text=form.cleaned_data["text"])
        messages.success(request, _("Tack! Det du skrev finns nu i ärendet."))
        return redirect("reports:tracking", token=token)
    return _tracking_page(request, report, token, info_form=form, status=200)


@require_POST
@public_post("report_reopen")
def tracking_reopen(request: HttpRequest, token: str) -> HttpResponse:
    report = _tracked(token)
    form = ResidentInfoForm(request.POST)
    if not form.is_valid():
        return _tracking_page(request, report, token, reopen_form=form, status=200)
    try:
        report_reopen(report=report, text=form.cleaned_data["text"])
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Ärendet är öppnat igen. En handläggare tittar på det."))
    return redirect("reports:tracking", token=token)


@never_cache
@public_post("safety_feedback")
def safety_feedback(request: HttpRequest, token: str) -> HttpResponse:
    feedback = (
        SafetyFeedback.objects.select_related("report__category")
        .filter(token_hash=hash_token(token))
        .first()
    )
    # Asked for by its report's municipality: its link opens only on that site.
    if feedback is None or not report_opens_here(feedback.report):
        raise Http404
    form = SafetyFeedbackForm(request.POST or None, initial={"answer": feedback.answer})
    if request.method == "POST" and form.is_valid():
        safety_feedback_answer(feedback=feedback, answer=form.cleaned_data["answer"])
        return render(request, "reports/feedback_thanks.html", {"feedback": feedback})
    return render(request, "reports/feedback.html", {"feedback": feedback, "form": form})
