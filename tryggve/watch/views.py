"""Neighbourhood watch: the public pages under /grannsamverkan/ (staff pages are in
staff_views.py)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tryggve.areas.selectors import map_context
from tryggve.lib.guard import public_post
from tryggve.lib.tokens import hash_token
from tryggve.watch.forms import (
    HandoverForm,
    ShareContactForm,
    SignUpForm,
)
from tryggve.watch.models import (
    Household,
    WatchMessage,
)
from tryggve.watch.selectors import households_here, watch_areas_here
from tryggve.watch.services import (
    UNCONFIRMED_DAYS,
    WatchError,
    household_by_handover_token,
    household_confirm,
    household_handover,
    household_leave,
    household_set_share_contact,
    household_sign_up,
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
                    "url": reverse("watch:public_area", kwargs={"slug": a.slug}),
                },
            }
            for a in areas
        ],
    }


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    areas = list(watch_areas_here().public().with_progress())
    return render(
        request,
        "watch/public_list.html",
        {
            "areas": areas,
            # "areas" is the layer analytics-map.js draws (with the name and status as tooltip).
            "layers": {"areas": _areas_geojson(areas)},
            **map_context(
                tilesFailed=_("Kartbilden kunde inte laddas. Alla områden finns i listan på sidan.")
            ),
        },
    )


@public_post("watch_signup")
def public_area(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here().public(), slug=slug)
    form = SignUpForm(request.POST or None, area=area)
    if request.method == "POST" and area.accepts_sign_ups and form.is_valid():
        data = form.cleaned_data
        try:
            household_sign_up(
                area=area,
                street=data["street"],
                number=data["number"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                volunteer=data["volunteer"],
                share_contact=data["share_contact"],
            )
        except WatchError as exc:
            form.add_error(None, str(exc))
        else:
            request.session["watch_signed_up"] = area.slug
            return redirect("watch:signed_up", slug=area.slug)
    return render(
        request,
        "watch/public_area.html",
        {"area": area, "progress": area.progress, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def signed_up(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(watch_areas_here().public(), slug=slug)
    return render(request, "watch/signed_up.html", {"area": area})


@never_cache
@public_post("watch_confirm", rerender=False)
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # A token opens its household only on its own municipality's site (404 elsewhere).
    household = (
        households_here()
        .select_related("area")
        .filter(confirm_token_hash=hash_token(token))
        .first()
    )
    if household is None:
        raise Http404
    # An expired link shows no address: whoever holds an old link learns nothing from it.
    if household.confirm_expired(days=UNCONFIRMED_DAYS) and not household.is_waiting:
        return render(request, "watch/confirm.html", {"expired": True}, status=410)
    # Mail scanners open links; only the button confirms, so a scan never signs anyone up.
    # A used link says so and offers nothing to press.
    if request.method == "POST" and not household.confirmed:
        try:
            household = household_confirm(token=token)
        except WatchError as exc:
            context = {"household": household, "error": str(exc)}
            return render(request, "watch/confirm.html", context, status=409)
        if household.confirmed:
            context = {"household": household, "area": household.area}
            return render(request, "watch/confirmed.html", context)
    return render(request, "watch/confirm.html", {"household": household})


def _household_by_manage_token(token: str) -> Household:
    household = (
        households_here()
        .select_related("area")
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
        "progress": area.progress,
        "token": token,
        "share_form": ShareContactForm(initial={"share_contact": household.share_contact}),
    }
    if household.is_contact_person:
        # Only the households this contact person is responsible for, as staff set it.
        context["members"] = sorted(
            household.responsible_for.confirmed(), key=lambda h: h.natural_key
        )
        context["messages_for_area"] = WatchMessage.objects.filter(
            Q(area=area) | Q(area__isnull=True, deliveries__area=area)
        ).distinct()[:20]
    response = render(request, "watch/my_household.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@public_post("watch_leave", rerender=False)  # the household page's own bucket
def share_contact(request: HttpRequest, token: str) -> HttpResponse:
    household = _household_by_manage_token(token)
    form = ShareContactForm(request.POST)
    if form.is_valid():
        household_set_share_contact(household=household, share=form.cleaned_data["share_contact"])
        messages.success(request, _("Sparat."))
    return redirect("watch:my_household", token=token)


@never_cache
@public_post("watch_leave", rerender=False)
def leave(request: HttpRequest, token: str) -> HttpResponse:
    """Ask first (GET), leave on the button (POST): one tap never deletes a household."""
    household = _household_by_manage_token(token)
    area = household.area
    if request.method == "POST":
        household_leave(household=household)
        return render(request, "watch/left.html", {"area": area})
    return render(request, "watch/leave.html", {"household": household, "token": token})


@never_cache
@public_post("watch_confirm", rerender=False)  # answered from a link, as a confirmation
def handover(request: HttpRequest, token: str) -> HttpResponse:
    """The household already at an address answers a new sign-up there."""
    waiting = household_by_handover_token(token)
    if waiting is None or not households_here().filter(pk=waiting.pk).exists():
        raise Http404
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agree = form.cleaned_data["answer"] == HandoverForm.AGREE
        household_handover(token=token, agree=agree)
        return render(request, "watch/handover_done.html", {"area": waiting.area, "agreed": agree})
    return render(request, "watch/handover.html", {"household": waiting})
