"""The follow-up's staff pages under /personal/uppfoljning/."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryggve.accounts.access import staff_required
from tryggve.accounts.roles import may_open
from tryggve.areas.selectors import home_municipality
from tryggve.followup.forms import (
    ActivityForm,
    DialogueForm,
    EntryForm,
    EvidenceForm,
    IndicatorForm,
    PublishForm,
    StatusForm,
    UpdateForm,
)
from tryggve.followup.models import (
    Activity,
    ActivityStatus,
    ActivityUpdate,
    Commitment,
    Dialogue,
    EvidenceKind,
    EvidenceLink,
    ManualIndicator,
    Promise,
    covering,
    status_legend,
)
from tryggve.followup.permissions import (
    FOLLOWUP_EDIT,
    FOLLOWUP_READ,
    editable_parties,
    may_edit_activity,
)
from tryggve.followup.services import (
    ACTIVITY_FIELDS,
    FollowupRefused,
    activity_create,
    activity_edit,
    activity_set_status,
    activity_update_create,
    activity_update_publish,
    dialogue_create,
    evidence_link_add,
    manual_indicator_create,
    manual_indicator_entry_add,
)

readers = staff_required(FOLLOWUP_READ)
editors = staff_required(FOLLOWUP_EDIT)


def _can_edit(request) -> bool:
    return may_open(request.roles, FOLLOWUP_EDIT)


def _forbidden(request) -> HttpResponse:
    return render(request, "accounts/forbidden.html", status=403)


def _activity(pk: int) -> Activity:
    """An activity of this municipality's promises (another municipality's is a 404)."""
    return get_object_or_404(
        Activity.objects.for_municipality(home_municipality()).select_related(
            "commitment__promise", "responsible_user"
        ),
        pk=pk,
    )


def _promise_context(promise: Promise | None) -> list[Commitment]:
    if promise is None:
        return []
    activities = Activity.objects.select_related("responsible_user").order_by("planned_start", "id")
    return list(promise.commitments.prefetch_related(Prefetch("activities", activities)))


@readers
def overview(request: HttpRequest, promise_pk: int | None = None) -> HttpResponse:
    promises = list(Promise.objects.for_municipality(home_municipality()))
    if promise_pk is not None:
        promise = next((p for p in promises if p.pk == promise_pk), None)
        if promise is None:
            raise Http404
    else:
        promise = covering(promises, timezone.localdate()) or next(iter(promises), None)
    context = {
        "promise": promise,
        "promises": promises,
        "commitments": _promise_context(promise),
        "legend": status_legend(),
        "can_edit": _can_edit(request),
    }
    return render(request, "followup/staff/overview.html", context)


def _evidence_url(link: EvidenceLink, roles) -> str:
    """The staff page of an evidence link's target, or "" when there is none or this
    user's roles do not open it (a council reader is not sent to a case page's 403)."""
    if link.kind == EvidenceKind.REPORT:
        url = reverse("reports:staff_case", args=[link.report.reference])
    elif link.kind == EvidenceKind.WATCH_AREA:
        url = reverse("watch:staff_area", args=[link.watch_area.slug])
    elif link.kind == EvidenceKind.SURVEY:
        url = reverse("surveys:staff_results", args=[link.survey.pk])
    else:
        return ""
    allowed = getattr(resolve(url).func, "staff_roles", None)
    return url if allowed is None or set(roles) & allowed else ""


def _activity_page(request, activity: Activity, status: int = 200, **forms) -> HttpResponse:
    """The activity page: its progress with evidence, its history, and (for those who may
    edit this activity) the status and progress forms, bound when they came back invalid."""
    editable = may_edit_activity(request.roles, activity)
    updates = activity.updates.select_related("author").prefetch_related(
        Prefetch(
            "evidence",
            EvidenceLink.objects.select_related(
                "report", "category", "area", "watch_area", "survey"
            ),
        )
    )
    for update in updates:
        for link in update.evidence.all():
            link.staff_url = _evidence_url(link, request.roles)
    context = {
        "activity": activity,
        "promise": activity.commitment.promise,
        "updates": updates,
        "events": activity.events.select_related("actor"),
        "editable": editable,
        "status_form": forms.get("status_form") or StatusForm(initial={"status": activity.status}),
        "update_form": forms.get("update_form")
        or UpdateForm(initial={"date": timezone.localdate()}),
    }
    return render(request, "followup/staff/activity.html", context, status=status)


@readers
def activity_detail(request: HttpRequest, activity_pk: int) -> HttpResponse:
    return _activity_page(request, _activity(activity_pk))


def _form_page(request, form, *, save, done: str, template: str, context: dict):
    """A page with one form: a valid POST runs `save` (one service call, returning the
    address to go to) and says `done`; bad input or a refusal shows the form again with
    the Swedish message (400), nothing saved."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form.cleaned_data)
        except FollowupRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)


def _activity_url(activity: Activity) -> str:
    return reverse("followup:activity", kwargs={"activity_pk": activity.pk})


@editors
def activity_create_view(request: HttpRequest, commitment_pk: int) -> HttpResponse:
    commitment = get_object_or_404(
        Commitment.objects.for_municipality(home_municipality()).select_related("promise"),
        pk=commitment_pk,
    )
    form = ActivityForm(
        request.POST or None,
        parties=editable_parties(request.roles),
        municipality=commitment.promise.municipality,
    )

    def save(data: dict) -> str:
        activity = activity_create(
            commitment=commitment, actor=request.user, roles=request.roles, **data
        )
        return _activity_url(activity)

    return _form_page(
        request,
        form,
        save=save,
        done=_("Aktiviteten är tillagd."),
        template="followup/staff/activity_form.html",
        context={"commitment": commitment, "activity": None},
    )


@editors
def activity_edit_view(request: HttpRequest, activity_pk: int) -> HttpResponse:
    activity = _activity(activity_pk)
    if not may_edit_activity(request.roles, activity):
        return _forbidden(request)
    initial = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        parties=editable_parties(request.roles),
        municipality=activity.commitment.promise.municipality,
    )

    def save(data: dict) -> str:
        changes = {name: data[name] for name in ACTIVITY_FIELDS}
        activity_edit(activity=activity, actor=request.user, roles=request.roles, **changes)
        return _activity_url(activity)

    return _form_page(
        request,
        form,
        save=save,
        done=_("Sparat."),
        template="followup/staff/activity_form.html",
        context={"commitment": activity.commitment, "activity": activity},
    )


@editors
@require_POST
def activity_status_view(request: HttpRequest, activity_pk: int) -> HttpResponse:
    activity = _activity(activity_pk)
    if not may_edit_activity(request.roles, activity):
        return _forbidden(request)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _activity_page(request, activity, status=400, status_form=form)
    activity_set_status(
        activity=activity,
        status=form.cleaned_data["status"],
        reason=form.cleaned_data["reason"],
        actor=request.user,
        roles=request.roles,
    )
    messages.success(request, _("Status: %s.") % ActivityStatus(form.cleaned_data["status"]).label)
    return redirect("followup:activity", activity_pk=activity.pk)


@editors
@require_POST
def activity_update_view(request: HttpRequest, activity_pk: int) -> HttpResponse:
    activity = _activity(activity_pk)
    if not may_edit_activity(request.roles, activity):
        return _forbidden(request)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        return _activity_page(request, activity, status=400, update_form=form)
    activity_update_create(
        activity=activity, actor=request.user, roles=request.roles, **form.cleaned_data
    )
    messages.success(request, _("Lägesrapporten är sparad."))
    return redirect("followup:activity", activity_pk=activity.pk)


def _update(activity: Activity, update_pk: int) -> ActivityUpdate:
    return get_object_or_404(activity.updates.all(), pk=update_pk)


@editors
@require_POST
def update_publish_view(request: HttpRequest, activity_pk: int, update_pk: int) -> HttpResponse:
    activity = _activity(activity_pk)
    if not may_edit_activity(request.roles, activity):
        return _forbidden(request)
    update = _update(activity, update_pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        public = form.cleaned_data["public"]
        activity_update_publish(
            update=update, public=public, actor=request.user, roles=request.roles
        )
        messages.success(request, _("Publicerad.") if public else _("Inte längre publicerad."))
    return redirect("followup:activity", activity_pk=activity.pk)


@editors
def evidence_add_view(request: HttpRequest, activity_pk: int, update_pk: int) -> HttpResponse:
    activity = _activity(activity_pk)
    if not may_edit_activity(request.roles, activity):
        return _forbidden(request)
    update = _update(activity, update_pk)
    municipality = activity.commitment.promise.municipality
    form = EvidenceForm(request.POST or None, municipality=municipality)

    def save(data: dict) -> str:
        evidence_link_add(
            update=update,
            actor=request.user,
            roles=request.roles,
            **form.service_arguments(),
        )
        return _activity_url(activity)

    return _form_page(
        request,
        form,
        save=save,
        done=_("Underlaget är kopplat."),
        template="followup/staff/evidence_form.html",
        context={"activity": activity, "update": update},
    )


@readers
def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = (
        ManualIndicator.objects.for_municipality(home_municipality())
        .select_related("commitment")
        .prefetch_related("entries")
    )
    context = {"indicators": indicators, "can_edit": _can_edit(request)}
    return render(request, "followup/staff/indicators.html", context)


@editors
def indicator_create_view(request: HttpRequest) -> HttpResponse:
    municipality = home_municipality()
    if municipality is None:
        raise Http404
    form = IndicatorForm(request.POST or None, municipality=municipality)

    def save(data: dict) -> str:
        indicator = manual_indicator_create(municipality=municipality, **data)
        return reverse("followup:indicator", kwargs={"indicator_pk": indicator.pk})

    return _form_page(
        request,
        form,
        save=save,
        done=_("Indikatorn är tillagd."),
        template="followup/staff/indicator_form.html",
        context={},
    )


def _indicator(pk: int) -> ManualIndicator:
    return get_object_or_404(ManualIndicator.objects.for_municipality(home_municipality()), pk=pk)


def _indicator_page(request, indicator, form=None, status: int = 200) -> HttpResponse:
    context = {
        "indicator": indicator,
        "entries": indicator.entries.select_related("author"),
        "form": form or EntryForm(initial={"date": timezone.localdate()}),
        "can_edit": _can_edit(request),
    }
    return render(request, "followup/staff/indicator.html", context, status=status)


@readers
def indicator_detail(request: HttpRequest, indicator_pk: int) -> HttpResponse:
    return _indicator_page(request, _indicator(indicator_pk))


@editors
@require_POST
def entry_create_view(request: HttpRequest, indicator_pk: int) -> HttpResponse:
    indicator = _indicator(indicator_pk)
    form = EntryForm(request.POST)
    if not form.is_valid():
        return _indicator_page(request, indicator, form, status=400)
    manual_indicator_entry_add(indicator=indicator, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Värdet är sparat."))
    return redirect("followup:indicator", indicator_pk=indicator.pk)


@readers
def dialogue_list(request: HttpRequest) -> HttpResponse:
    dialogues = Dialogue.objects.for_municipality(home_municipality())
    context = {"dialogues": dialogues, "can_edit": _can_edit(request)}
    return render(request, "followup/staff/dialogues.html", context)


@editors
def dialogue_create_view(request: HttpRequest) -> HttpResponse:
    municipality = home_municipality()
    if municipality is None:
        raise Http404

    def save(data: dict) -> str:
        dialogue_create(municipality=municipality, actor=request.user, **data)
        return reverse("followup:dialogues")

    return _form_page(
        request,
        DialogueForm(request.POST or None),
        save=save,
        done=_("Dialogen är sparad."),
        template="followup/staff/dialogue_form.html",
        context={},
    )
