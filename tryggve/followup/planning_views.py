"""Staff pages for planning ahead: the live indicators with their baselines and targets
(/personal/uppfoljning/indikatorer/live/) and next year's promise drafted from the year's
problem picture (/personal/uppfoljning/lofte/<pk>/nasta-ar/)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryggve.accounts.access import staff_required
from tryggve.accounts.roles import may_open
from tryggve.areas.selectors import home_municipality
from tryggve.followup import indicators
from tryggve.followup.drafting import problem_picture
from tryggve.followup.forms import IndicatorSettingForm
from tryggve.followup.models import IndicatorSetting, ManualIndicator, Promise
from tryggve.followup.permissions import (
    FOLLOWUP_EDIT,
    FOLLOWUP_INDICATOR_SETTINGS,
    FOLLOWUP_READ,
)
from tryggve.followup.services import indicator_setting_save, promise_draft_next

readers = staff_required(FOLLOWUP_READ)
editors = staff_required(FOLLOWUP_EDIT)
setters = staff_required(FOLLOWUP_INDICATOR_SETTINGS)


def _municipality():
    municipality = home_municipality()
    if municipality is None:
        raise Http404
    return municipality


def _promise(pk: int) -> Promise:
    return get_object_or_404(Promise.objects.for_municipality(home_municipality()), pk=pk)


@readers
def draft_page(request: HttpRequest, promise_pk: int) -> HttpResponse:
    promise = _promise(promise_pk)
    context = {
        "promise": promise,
        "picture": problem_picture(promise=promise, municipality=_municipality()),
        "draft": Promise.objects.filter(drafted_from=promise).first(),
        "can_edit": may_open(request.roles, FOLLOWUP_EDIT),
    }
    return render(request, "followup/planning/draft.html", context)


@editors
@require_POST
def draft_create_view(request: HttpRequest, promise_pk: int) -> HttpResponse:
    draft = promise_draft_next(
        promise=_promise(promise_pk), actor=request.user, roles=request.roles
    )
    messages.success(request, _("Utkastet till nästa års löfte finns nu. Det är inte publicerat."))
    return redirect("followup:promise", promise_pk=draft.pk)


def _settings(municipality) -> dict[str, IndicatorSetting]:
    return {s.code: s for s in IndicatorSetting.objects.for_municipality(municipality)}


@readers
def live_indicators(request: HttpRequest) -> HttpResponse:
    municipality = _municipality()
    settings = _settings(municipality)
    today = timezone.localdate()
    values = indicators.indicator_values(
        municipality_code=municipality.code,
        year=today.year,
        today=today,
        baseline_years={c: s.baseline_year for c, s in settings.items() if s.baseline_year},
        targets={c: float(s.target) for c, s in settings.items() if s.target is not None},
    )
    rows = [
        {
            "value": v,
            "setting": settings.get(v.indicator.code),
            "chart": indicators.trend_chart(v),
            "shown": {
                key: indicators.format_value(getattr(v, key), v.indicator.unit)
                for key in ("baseline", "target")
            },
            "source": _source(request, v),
        }
        for v in values
    ]
    manual = (
        ManualIndicator.objects.for_municipality(municipality)
        .select_related("commitment")
        .prefetch_related("entries")
    )
    context = {
        "rows": rows,
        "manual": manual,
        "can_set": may_open(request.roles, FOLLOWUP_INDICATOR_SETTINGS),
    }
    return render(request, "followup/indicators/live.html", context)


def _source(request: HttpRequest, value: indicators.IndicatorValue) -> dict:
    """The page an indicator's figure can be compared on, linked when the user may open it
    (a survey year's public results page for the survey's figures)."""
    page = value.indicator.page
    url = ""
    if page.page_key is None or may_open(request.roles, page.page_key):
        url = reverse(page.url_name)
        if value.indicator.yearly:
            shown = value.has_value or value.suppressed
            url += f"?ar={value.start.year - (0 if shown else 1)}"
    return {"page": page, "url": url}


@setters
def setting_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    indicator = indicators.BY_CODE.get(code)
    if indicator is None:
        raise Http404
    municipality = _municipality()
    current = _settings(municipality).get(code)
    initial = (
        {"baseline_year": current.baseline_year, "target": current.target, "note": current.note}
        if current
        else {}
    )
    form = IndicatorSettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        indicator_setting_save(
            municipality=municipality,
            code=code,
            actor=request.user,
            roles=request.roles,
            **form.cleaned_data,
        )
        messages.success(request, _("Sparat."))
        return redirect(reverse("followup:live_indicators") + f"#indicator-{code}")
    status = 400 if request.method == "POST" else 200
    context = {"indicator": indicator, "form": form, "setting": current}
    return render(request, "followup/indicators/setting_form.html", context, status=status)
