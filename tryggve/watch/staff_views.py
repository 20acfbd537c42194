"""Neighbourhood watch: the staff pages under /personal/grannsamverkan/."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryggve.accounts.access import staff_required
from tryggve.analytics.alerts import alerts_by_incident
from tryggve.analytics.models import NearRepeatAlert, OffenceGroup
from tryggve.analytics.ranking import exposure_ranking
from tryggve.analytics.selectors import alerts_here
from tryggve.areas.selectors import areas_here
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib.geo import GeometryError, polygon_from_geojson
from tryggve.lib.views import form_action
from tryggve.watch.models import (
    Delivery,
    StartMeeting,
    WatchArea,
    WatchMessage,
    WatchState,
    flag_bursts,
)
from tryggve.watch.selectors import alert_groups, messages_here, watch_areas_here
from tryggve.watch.services import (
    MANUAL_TRANSITIONS,
    WatchError,
    alert_send,
    alert_text,
    contact_person_set,
    household_assign,
    household_remove,
    household_replace,
    meeting_record,
    meeting_schedule,
    message_send,
    watch_area_change_state,
    watch_area_offer,
    watch_area_review,
    watch_area_set_households,
    watch_area_signs,
)
from tryggve.watch.staff_forms import (
    AttendanceForm,
    BulkForm,
    HouseholdsForm,
    MeetingForm,
    MessageForm,
    OfferForm,
    SignsForm,
    StateForm,
)

HOUSEHOLDS_PER_PAGE = 50
managers = staff_required("watch.manage")
readers = staff_required("watch.read")


@managers
def staff_index(request: HttpRequest) -> HttpResponse:
    form = OfferForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        geometry = None
        try:
            if data["boundary"]:
                geometry = polygon_from_geojson(_read_upload(data["boundary"]))
            area = watch_area_offer(
                name=data["name"],
                households=data["households"],
                streets=data["streets"],
                actor=request.user,
                residential_area=data["residential_area"],
                geometry=geometry,
            )
        except (GeometryError, WatchError) as exc:
            form.add_error("boundary" if isinstance(exc, GeometryError) else None, str(exc))
        else:
            messages.success(request, _("Området är erbjudet grannsamverkan."))
            return redirect("watch:staff_area", slug=area.slug)
    year = timezone.localdate().year
    smoothing, ranked, _outside = exposure_ranking(
        group=OffenceGroup.RESIDENTIAL_BURGLARY, year=year
    )
    return render(
        request,
        "watch/staff_index.html",
        {
            "form": form,
            "offer_defaults": OfferForm.defaults(),
            "areas": watch_areas_here().with_progress(),
            "ranked": ranked,
            "smoothing": smoothing,
            "year": year,
        },
        status=400 if request.method == "POST" else 200,
    )


def _read_upload(upload) -> str:
    if upload.size > 2_000_000:
        raise GeometryError(_("Filen är för stor (högst 2 MB)."))
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GeometryError(_("Filen är inte UTF-8.")) from None


def _staff_area_context(request: HttpRequest, area: WatchArea) -> dict:
    households = sorted(
        area.households_set.select_related("responsible"), key=lambda h: h.natural_key
    )
    confirmed = [h for h in households if h.confirmed]
    contacts = [h for h in confirmed if h.is_contact_person]
    flagged = flag_bursts(households)
    only_flagged = request.GET.get("visa") == "flaggade"
    listed = [h for h in households if h.pk in flagged] if only_flagged else households
    page = Paginator(listed, HOUSEHOLDS_PER_PAGE).get_page(request.GET.get("sida"))
    meetings = list(area.meetings.prefetch_related("attended"))
    return {
        "area": area,
        "progress": area.progress,
        "page": page,
        "flagged": flagged,
        "only_flagged": only_flagged,
        "n_waiting": sum(1 for h in households if h.is_waiting),
        "bulk_form": BulkForm(area=area, contacts=contacts),
        "state_form": StateForm(),
        "state_choices": [
            (s.value, s.label) for s in WatchState if s in MANUAL_TRANSITIONS.get(area.state, set())
        ],
        "households_form": HouseholdsForm(initial={"households": area.households}),
        "meeting_form": MeetingForm(),
        "meetings": [
            (
                m,
                AttendanceForm(
                    households=confirmed,
                    initial={"meeting": m.pk, "attended": [str(h.pk) for h in m.attended.all()]},
                ),
            )
            for m in meetings
        ],
        "signs_form": SignsForm(initial={"ordered": area.signs_ordered, "up": area.signs_up}),
        "events": area.events.select_related("actor"),
        "sent": WatchMessage.objects.filter(Q(area=area) | Q(deliveries__area=area))
        .distinct()
        .annotate(recipients=Count("deliveries"))[:10],
    }


@managers
def staff_area(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here().with_progress(), slug=slug)
    context = _staff_area_context(request, area)
    if context["page"].object_list:
        # The list shows households' names and contact details: record who read them.
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            purpose=AccessLog.Purpose.WATCH,
            subject=f"grannsamverkan {area.slug} hushåll sida {context['page'].number}",
        )
    return render(request, "watch/staff_area.html", context)


def _back(area: WatchArea) -> str:
    return reverse("watch:staff_area", kwargs={"slug": area.slug})


@require_POST
@managers
def staff_state(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here(), slug=slug)
    form = StateForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(area),
        refused=WatchError,
        action=lambda: watch_area_change_state(
            area=area,
            to_state=form.cleaned_data["to_state"],
            actor=request.user,
            note=form.cleaned_data["note"],
        ),
    )


@require_POST
@managers
def staff_households(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here(), slug=slug)
    form = HouseholdsForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(area),
        refused=WatchError,
        action=lambda: watch_area_set_households(
            area=area,
            households=form.cleaned_data["households"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        ),
    )


@transaction.atomic  # one refused household leaves the whole batch unsaved
def _bulk(form: BulkForm, actor) -> None:
    action = form.cleaned_data["action"]
    households = list(form.cleaned_data["households"])
    kind, _sep, value = action.partition(":")
    if kind == BulkForm.ROLE:
        for household in households:
            contact_person_set(household=household, role=value, actor=actor)
    elif kind == BulkForm.ASSIGN:
        contact = next((h for h in form.fields["households"].queryset if str(h.pk) == value), None)
        household_assign(households=households, contact=contact, actor=actor)
    elif action == BulkForm.REPLACE:
        for household in households:
            household_replace(household=household, actor=actor)
    elif action == BulkForm.REMOVE:
        for household in households:
            household_remove(household=household, actor=actor)


@require_POST
@managers
def staff_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here(), slug=slug)
    contacts = area.households_set.contact_persons()
    form = BulkForm(request.POST, area=area, contacts=contacts)
    return form_action(
        request,
        form,
        back=_back(area),
        refused=WatchError,
        action=lambda: _bulk(form, request.user),
    )


@require_POST
@managers
def staff_review(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here(), slug=slug)
    watch_area_review(area=area, actor=request.user)
    messages.success(request, _("Anmälningarna är markerade som granskade."))
    return redirect(_back(area))


@require_POST
@managers
def staff_meeting(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here(), slug=slug)
    form = MeetingForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(area),
        refused=WatchError,
        action=lambda: meeting_schedule(
            area=area,
            when=form.cleaned_data["when"],
            place=form.cleaned_data["place"],
            police_staff=form.cleaned_data["police_staff"],
            municipal_staff=form.cleaned_data["municipal_staff"],
            actor=request.user,
        ),
    )


@require_POST
@managers
def staff_attendance(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here(), slug=slug)
    confirmed = list(area.households_set.confirmed())
    form = AttendanceForm(request.POST, households=confirmed)

    def record():
        meeting = get_object_or_404(StartMeeting, pk=form.cleaned_data["meeting"], area=area)
        chosen = {int(pk) for pk in form.cleaned_data["attended"]}
        meeting_record(
            meeting=meeting, attended=[h for h in confirmed if h.pk in chosen], actor=request.user
        )

    return form_action(request, form, back=_back(area), refused=WatchError, action=record)


@require_POST
@managers
def staff_signs(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here(), slug=slug)
    form = SignsForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(area),
        refused=WatchError,
        action=lambda: watch_area_signs(
            area=area,
            ordered=form.cleaned_data["ordered"],
            up=form.cleaned_data["up"],
            actor=request.user,
        ),
    )


def _alert_from(request: HttpRequest) -> NearRepeatAlert | None:
    """The alert named by `?larm=` (or the hidden field when posting), if it exists."""
    source, key = (request.POST, "alert") if request.method == "POST" else (request.GET, "larm")
    value = source.get(key, "")
    if not value.isdigit():
        return None
    return alerts_here().select_related("incident", "area").filter(pk=int(value)).first()


def _send_message(form: MessageForm, alert: NearRepeatAlert | None, sender) -> int:
    data = form.cleaned_data
    if alert is not None:
        sent = alert_send(sender=sender, alert=alert, subject=data["subject"], body=data["body"])
        return sum(message.deliveries.count() for message in sent)
    message = message_send(
        sender=sender, subject=data["subject"], body=data["body"], area=data["area"]
    )
    return message.deliveries.count()


@managers
def staff_messages(request: HttpRequest) -> HttpResponse:
    alert = _alert_from(request)
    targets = alert_groups([alert])[alert.pk] if alert is not None else None
    initial = {}
    if request.method != "POST" and targets is not None and targets.contacts:
        subject, body = alert_text(alert)
        initial = {"subject": subject, "body": body, "alert": alert.pk}
    form = MessageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            n = _send_message(form, alert, request.user)
        except WatchError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Meddelandet är skickat till %(n)s kontaktombud.") % {"n": n}
            )
            return redirect("watch:staff_messages")
    alerts = alerts_here().select_related("incident", "area")[:20]
    sent = messages_here().select_related("area", "sender").prefetch_related(
        "deliveries__outgoing", "deliveries__household"
    )[:20]
    if any(d.household_id for m in sent for d in m.deliveries.all()):
        # Each delivery names its household by its address: record who read them.
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            purpose=AccessLog.Purpose.WATCH,
            subject="grannsamverkan skickade meddelanden: mottagarnas adresser",
        )
    return render(
        request,
        "watch/staff_messages.html",
        {
            "form": form,
            "alert": alert,
            "targets": targets,
            "alert_incidents": alerts_by_incident(alerts),
            "can_send": True,
            "sent": sent,
        },
        status=400 if request.method == "POST" else 200,
    )


@readers
def staff_figures(request: HttpRequest) -> HttpResponse:
    areas = list(watch_areas_here().with_progress())
    by_state = defaultdict(int)
    for area in areas:
        by_state[area.state] += 1
    all_households = areas_here().aggregate(n=Sum("households"))["n"] or 0
    active = [a for a in areas if a.state == WatchState.ACTIVE]
    covered = sum(a.households for a in active)
    per_year = defaultdict(lambda: {"offered": 0, "started": 0, "messages": 0})
    for area in areas:
        per_year[timezone.localtime(area.offered).year]["offered"] += 1
        if area.started:
            per_year[timezone.localtime(area.started).year]["started"] += 1
    for created in messages_here().values_list("created", flat=True):
        per_year[timezone.localtime(created).year]["messages"] += 1
    messages_per_area = dict(
        Delivery.objects.filter(area__in=watch_areas_here())
        .values_list("area")
        .annotate(n=Count("message", distinct=True))
    )
    return render(
        request,
        "watch/staff_figures.html",
        {
            "areas": [(a, messages_per_area.get(a.pk, 0)) for a in areas],
            "by_state": [(s.label, by_state.get(s.value, 0)) for s in WatchState],
            "covered": covered,
            "all_households": all_households,
            "share": round(100 * covered / all_households, 1) if all_households else 0,
            "contacts": sum(a.n_contacts for a in areas),
            "messages_sent": messages_here().count(),
            "per_year": sorted(per_year.items(), reverse=True),
        },
    )
