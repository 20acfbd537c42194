"""Neighbourhood watch: public pages under /grannsamverkan/, staff pages under
/personal/grannsamverkan/."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tryggve.accounts.access import staff_required
from tryggve.accounts.roles import Role
from tryggve.analytics.models import NearRepeatAlert, OffenceGroup
from tryggve.analytics.ranking import exposure_ranking
from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import map_context
from tryggve.lib.geo import GeometryError, polygon_from_geojson
from tryggve.lib.guard import public_post
from tryggve.lib.tokens import hash_token
from tryggve.lib.views import form_action
from tryggve.watch.forms import (
    AttendanceForm,
    ContactForm,
    HouseholdsForm,
    MeetingForm,
    MessageForm,
    OfferForm,
    SignsForm,
    SignUpForm,
    StateForm,
)
from tryggve.watch.models import (
    Delivery,
    Household,
    StartMeeting,
    WatchArea,
    WatchMessage,
    WatchState,
)
from tryggve.watch.services import (
    MANUAL_TRANSITIONS,
    WatchError,
    alert_text,
    contact_person_set,
    household_confirm,
    household_leave,
    household_sign_up,
    meeting_record,
    meeting_schedule,
    message_send,
    watch_area_change_state,
    watch_area_offer,
    watch_area_progress,
    watch_area_set_households,
    watch_area_signs,
    with_progress_counts,
)

ACCEPTING = (WatchState.OFFERED, WatchState.GATHERING, WatchState.READY, WatchState.ACTIVE)
managers = staff_required(Role.POLICE_OFFICER, Role.CASE_HANDLER, Role.ADMINISTRATOR)
readers = staff_required(
    Role.POLICE_OFFICER, Role.CASE_HANDLER, Role.ADMINISTRATOR, Role.COUNCIL_READER
)


def _areas_geojson(areas) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": a.geometry,
                "properties": {
                    "name": a.name,
                    "state": a.state,
                    "label": a.get_state_display(),
                    "url": f"/grannsamverkan/{a.slug}/",
                },
            }
            for a in areas
        ],
    }


# Public ---------------------------------------------------------------------------------


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    areas = list(with_progress_counts(WatchArea.objects.public()))
    rows = [(area, watch_area_progress(area)) for area in areas]
    return render(
        request,
        "watch/public_list.html",
        {
            "rows": rows,
            "layers": {"watch": _areas_geojson(areas)},
            **map_context(
                tilesFailed=_("Kartbilden kunde inte laddas. Alla områden finns i listan på sidan.")
            ),
        },
    )


@public_post("watch_signup")
def public_area(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(WatchArea.objects.public(), slug=slug)
    form = SignUpForm(request.POST or None, area=area)
    if request.method == "POST" and area.state in ACCEPTING and form.is_valid():
        data = form.cleaned_data
        try:
            household_sign_up(
                area=area,
                street=data["street"],
                number=data["number"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                residents=data["residents"],
                volunteer=data["volunteer"],
            )
        except WatchError as exc:
            form.add_error(None, str(exc))
        else:
            request.session["watch_signed_up"] = area.slug
            return redirect("watch:signed_up", slug=area.slug)
    return render(
        request,
        "watch/public_area.html",
        {
            "area": area,
            "progress": watch_area_progress(area),
            "form": form,
            "accepting": area.state in ACCEPTING,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def signed_up(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(WatchArea.objects.public(), slug=slug)
    return render(request, "watch/signed_up.html", {"area": area})


@never_cache
@public_post("watch_confirm", rerender=False)
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    household = Household.objects.filter(confirm_token_hash=hash_token(token)).first()
    if household is None:
        raise Http404
    # Mail scanners open links; only the button confirms, so a scan never signs anyone up.
    if request.method == "POST":
        try:
            household = household_confirm(token=token)
        except WatchError as exc:
            return render(
                request,
                "watch/confirm.html",
                {"household": household, "error": str(exc)},
                status=410,
            )
        return render(
            request, "watch/confirmed.html", {"household": household, "area": household.area}
        )
    return render(request, "watch/confirm.html", {"household": household})


def _household_by_manage_token(token: str) -> Household:
    household = (
        Household.objects.select_related("area")
        .filter(manage_token_hash=hash_token(token), confirmed__isnull=False)
        .first()
    )
    if household is None:
        raise Http404
    return household


@never_cache
@require_safe
def my_household(request: HttpRequest, token: str) -> HttpResponse:
    household = _household_by_manage_token(token)
    area = household.area
    context = {
        "household": household,
        "area": area,
        "progress": watch_area_progress(area),
        "token": token,
    }
    if household.is_contact_person:
        context["members"] = area.households_set.confirmed().order_by("street", "number")
        context["messages_for_area"] = WatchMessage.objects.filter(
            Q(area=area) | Q(area__isnull=True, deliveries__area=area)
        ).distinct()[:20]
    response = render(request, "watch/my_household.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@public_post("watch_leave", rerender=False)
def leave(request: HttpRequest, token: str) -> HttpResponse:
    household = _household_by_manage_token(token)
    area = household.area
    household_leave(household=household)
    return render(request, "watch/left.html", {"area": area})


# Staff ----------------------------------------------------------------------------------


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
    areas = with_progress_counts(WatchArea.objects.all())
    return render(
        request,
        "watch/staff_index.html",
        {
            "form": form,
            "rows": [(a, watch_area_progress(a)) for a in areas],
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


def _staff_area_context(area: WatchArea, **forms) -> dict:
    households = list(area.households_set.all())
    confirmed = [h for h in households if h.confirmed]
    meetings = list(area.meetings.prefetch_related("attended"))
    return {
        "area": area,
        "progress": watch_area_progress(area),
        "households": households,
        "confirmed": confirmed,
        "state_choices": [
            (s.value, s.label) for s in WatchState if s in MANUAL_TRANSITIONS.get(area.state, set())
        ],
        "households_form": forms.get("households_form")
        or HouseholdsForm(initial={"households": area.households}),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
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
    area = get_object_or_404(WatchArea, slug=slug)
    return render(request, "watch/staff_area.html", _staff_area_context(area))


def _back(area: WatchArea) -> str:
    return reverse("watch:staff_area", kwargs={"slug": area.slug})


@require_POST
@managers
def staff_state(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(WatchArea, slug=slug)
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
    area = get_object_or_404(WatchArea, slug=slug)
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


@require_POST
@managers
def staff_contact(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(WatchArea, slug=slug)
    form = ContactForm(request.POST)
    return form_action(
        request,
        form,
        back=_back(area),
        refused=WatchError,
        action=lambda: contact_person_set(
            household=get_object_or_404(Household, pk=form.cleaned_data["household"], area=area),
            role=form.cleaned_data["role"],
            actor=request.user,
        ),
    )


@require_POST
@managers
def staff_meeting(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(WatchArea, slug=slug)
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
    area = get_object_or_404(WatchArea, slug=slug)
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
    area = get_object_or_404(WatchArea, slug=slug)
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


@managers
def staff_messages(request: HttpRequest) -> HttpResponse:
    alert = None
    if request.GET.get("larm", "").isdigit():
        alert = (
            NearRepeatAlert.objects.select_related("incident", "area")
            .filter(pk=int(request.GET["larm"]))
            .first()
        )
    initial = {}
    if alert is not None:
        subject, body = alert_text(alert)
        watch_area = WatchArea.objects.public().filter(residential_area=alert.area).first()
        initial = {"subject": subject, "body": body, "alert": alert.pk, "area": watch_area}
    form = MessageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        linked = NearRepeatAlert.objects.filter(pk=data["alert"]).first() if data["alert"] else None
        try:
            message = message_send(
                sender=request.user,
                subject=data["subject"],
                body=data["body"],
                area=data["area"],
                alert=linked,
            )
        except WatchError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Meddelandet är skickat till %(n)s kontaktombud.")
                % {"n": message.deliveries.count()},
            )
            return redirect("watch:staff_messages")
    active_slugs = set(WatchArea.objects.active().values_list("residential_area", flat=True))
    alerts = [
        a
        for a in NearRepeatAlert.objects.select_related("incident", "area")[:20]
        if a.area_id in active_slugs
    ]
    sent = WatchMessage.objects.select_related("area", "sender").prefetch_related(
        "deliveries__outgoing", "deliveries__household"
    )[:20]
    return render(
        request,
        "watch/staff_messages.html",
        {
            "form": form,
            "alerts": alerts,
            "sent": sent,
        },
        status=400 if request.method == "POST" else 200,
    )


@readers
def staff_figures(request: HttpRequest) -> HttpResponse:
    areas = list(
        WatchArea.objects.annotate(
            members=Count(
                "households_set", filter=Q(households_set__confirmed__isnull=False), distinct=True
            ),
            contacts=Count(
                "households_set",
                filter=Q(
                    households_set__confirmed__isnull=False,
                    households_set__contact_role__in=["approved", "lead"],
                ),
                distinct=True,
            ),
        )
    )
    by_state = defaultdict(int)
    for area in areas:
        by_state[area.state] += 1
    all_households = ResidentialArea.objects.aggregate(n=Sum("households"))["n"] or 0
    active = [a for a in areas if a.state == WatchState.ACTIVE]
    covered = sum(a.households for a in active)
    per_year = defaultdict(lambda: {"offered": 0, "started": 0, "messages": 0})
    for area in areas:
        per_year[timezone.localtime(area.offered).year]["offered"] += 1
        if area.started:
            per_year[timezone.localtime(area.started).year]["started"] += 1
    for created in WatchMessage.objects.values_list("created", flat=True):
        per_year[timezone.localtime(created).year]["messages"] += 1
    messages_per_area = dict(
        Delivery.objects.values_list("area").annotate(n=Count("message", distinct=True))
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
            "contacts": sum(a.contacts for a in areas),
            "messages_sent": WatchMessage.objects.count(),
            "per_year": sorted(per_year.items(), reverse=True),
        },
    )
