"""The council's pages under /personal/uppfoljning/radet/: its meetings, each meeting's
follow-up report (HTML and PDF), the sending with its delivery log, the council's
decisions, and the recipients of the report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryggve.accounts.access import staff_required
from tryggve.accounts.roles import may_open
from tryggve.areas.selectors import home_municipality
from tryggve.followup.council import (
    MEETING_FIELDS,
    council_decision_record,
    council_meeting_create,
    council_meeting_edit,
    council_report,
    council_report_generate,
    council_report_pdf,
    council_report_send,
    report_filename,
    report_recipient_add,
    report_recipient_set_active,
)
from tryggve.followup.council_forms import (
    DecisionForm,
    MeetingEditForm,
    MeetingForm,
    RecipientForm,
)
from tryggve.followup.models import Activity, CouncilMeeting, ReportRecipient
from tryggve.followup.permissions import editable_parties
from tryggve.followup.services import FollowupRefused
from tryggve.followup.staff_views import _form_page

COUNCIL, MANAGE, DECIDE = (
    "followup.council",
    "followup.council_manage",
    "followup.council_decide",
)
readers = staff_required(COUNCIL)
managers = staff_required(MANAGE)
deciders = staff_required(DECIDE)


def _meeting(pk: int) -> CouncilMeeting:
    """A meeting of this municipality's council (another municipality's is a 404)."""
    return get_object_or_404(
        CouncilMeeting.objects.for_municipality(home_municipality()).select_related("municipality"),
        pk=pk,
    )


def _meeting_url(meeting: CouncilMeeting) -> str:
    return reverse("followup:council_meeting", kwargs={"meeting_pk": meeting.pk})


def _decidable(request):
    """The activities this user may record the council's decisions on."""
    return (
        Activity.objects.for_municipality(home_municipality())
        .filter(responsible_party__in=editable_parties(request.roles))
        .select_related("commitment")
        .order_by("commitment__position", "title")
    )


@readers
def council_list(request: HttpRequest) -> HttpResponse:
    meetings = CouncilMeeting.objects.for_municipality(home_municipality())
    context = {"meetings": meetings, "can_manage": may_open(request.roles, MANAGE)}
    return render(request, "followup/council/list.html", context)


@managers
def council_create_view(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)

    def save(data: dict) -> str:
        return _meeting_url(council_meeting_create(municipality=home_municipality(), **data))

    return _form_page(
        request,
        form,
        save=save,
        done=_("Mötet är tillagt."),
        template="followup/council/meeting_form.html",
        context={},
    )


@managers
def council_edit_view(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(meeting_pk)
    initial = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    form = MeetingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            council_meeting_edit(meeting=meeting, **form.cleaned_data)
        except FollowupRefused as exc:
            form.add_error("date", str(exc))  # the one refusal: the day is taken
        else:
            messages.success(request, _("Mötet är ändrat."))
            return redirect(_meeting_url(meeting))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "meeting": meeting}
    return render(request, "followup/council/meeting_form.html", context, status=status)


def _meeting_page(request, meeting: CouncilMeeting, decision_form=None, status=200):
    context = {
        "report": council_report(meeting=meeting, today=timezone.localdate()),
        "meeting": meeting,
        "deliveries": meeting.deliveries.select_related("mail"),
        "can_manage": may_open(request.roles, MANAGE),
        "can_decide": may_open(request.roles, DECIDE),
        "decision_form": decision_form or DecisionForm(activities=_decidable(request)),
    }
    return render(request, "followup/council/meeting.html", context, status=status)


@readers
def council_meeting(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(meeting_pk))


@readers
def council_pdf(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(meeting_pk)
    pdf = council_report_pdf(council_report(meeting=meeting, today=timezone.localdate()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(meeting)}"'
    return response


@managers
@require_POST
def council_generate_view(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(meeting_pk)
    council_report_generate(meeting=meeting, today=timezone.localdate())
    messages.success(request, _("Rapporten är skapad med dagens siffror."))
    return redirect(_meeting_url(meeting))


@managers
@require_POST
def council_send_view(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(meeting_pk)
    sent = council_report_send(meeting=meeting, actor=request.user, today=timezone.localdate())
    if sent:
        messages.success(request, _("Rapporten skickas till %(n)s mottagare.") % {"n": len(sent)})
    else:
        messages.info(request, _("Alla mottagare har redan fått rapporten."))
    return redirect(_meeting_url(meeting) + "#utskick")


@deciders
@require_POST
def council_decision_view(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(meeting_pk)
    form = DecisionForm(request.POST, activities=_decidable(request))
    if form.is_valid():
        try:
            council_decision_record(
                meeting=meeting, actor=request.user, roles=request.roles, **form.cleaned_data
            )
        except FollowupRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Beslutet är sparat."))
            return redirect(_meeting_url(meeting) + "#beslut")
    return _meeting_page(request, meeting, decision_form=form, status=400)


@managers
def council_recipients(request: HttpRequest) -> HttpResponse:
    municipality = home_municipality()
    form = RecipientForm(request.POST or None)

    def save(data: dict) -> str:
        report_recipient_add(municipality=municipality, **data)
        return reverse("followup:council_recipients")

    recipients = ReportRecipient.objects.for_municipality(municipality)
    return _form_page(
        request,
        form,
        save=save,
        done=_("Mottagaren är tillagd."),
        template="followup/council/recipients.html",
        context={"recipients": recipients},
    )


@managers
@require_POST
def council_recipient_toggle(request: HttpRequest, recipient_pk: int) -> HttpResponse:
    recipient = get_object_or_404(
        ReportRecipient.objects.for_municipality(home_municipality()), pk=recipient_pk
    )
    report_recipient_set_active(recipient=recipient, active=not recipient.active)
    messages.success(request, _("Sparat."))
    return redirect("followup:council_recipients")
