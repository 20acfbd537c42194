"""Staff pages for the survey under /personal/enkater/."""

from __future__ import annotations

import csv
import io

import segno
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
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.surveys import representativeness, results
from tryggve.surveys.exports import results_csv_rows
from tryggve.surveys.forms import AnswerForm, QuestionEditForm, SurveyCreateForm, SurveyEditForm
from tryggve.surveys.models import Answer, Channel, QuestionKind, Survey, SurveyState
from tryggve.surveys.permissions import SURVEY_EDIT, SURVEY_READ
from tryggve.surveys.services import (
    SurveyRefused,
    question_delete,
    question_update,
    response_submit,
    survey_create_from_bank,
    survey_new_version,
    survey_update,
)
from tryggve.surveys.texts import GROUPING_LABELS


def _survey(pk: int) -> Survey:
    municipality = home_municipality()
    return get_object_or_404(
        Survey.objects.select_related("municipality"), pk=pk, municipality=municipality
    )


def _can_edit(request) -> bool:
    return may_open(request.roles, SURVEY_EDIT)


@staff_required(SURVEY_READ)
def survey_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    surveys = list(
        Survey.objects.filter(municipality=home_municipality()).select_related("municipality")
    )
    counts = results.respondent_counts(surveys)
    rows = [
        {"survey": s, "state_label": SurveyState(s.state(today)).label, "count": counts[s.pk]}
        for s in surveys
    ]
    form = SurveyCreateForm(initial={"year": today.year})
    return render(
        request,
        "surveys/staff/list.html",
        {"rows": rows, "form": form, "can_edit": _can_edit(request)},
    )


@staff_required(SURVEY_EDIT)
@require_POST
def survey_create(request: HttpRequest) -> HttpResponse:
    form = SurveyCreateForm(request.POST)
    municipality = home_municipality()
    if not form.is_valid() or municipality is None:
        messages.error(request, _("Skriv ett årtal mellan 2000 och 2100."))
        return redirect("surveys:staff_list")
    survey = survey_create_from_bank(municipality=municipality, year=form.cleaned_data["year"])
    messages.success(request, _("Enkäten är skapad från frågebanken."))
    return redirect("surveys:staff_detail", pk=survey.pk)


@staff_required(SURVEY_READ)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    initial = {f: getattr(survey, f) for f in ("title", "introduction", "opens_on", "closes_on")}
    form = SurveyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and _can_edit(request) and form.is_valid():
        try:
            survey_update(survey=survey, **form.cleaned_data)
        except SurveyRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sparat."))
            return redirect("surveys:staff_detail", pk=survey.pk)
    context = {
        "survey": survey,
        "form": form,
        "can_edit": _can_edit(request),
        "state_label": SurveyState(survey.state(timezone.localdate())).label,
        "locked": survey.is_locked(),
        "questions": survey.questions.all(),
        "link": request.build_absolute_uri(reverse("surveys:answer")),
        **results.live_count(survey),
        **representativeness.population_progress(survey),
    }
    return render(request, "surveys/staff/detail.html", context)


@staff_required(SURVEY_EDIT)
@require_POST
def survey_version(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        new = survey_new_version(survey=_survey(pk))
    except SurveyRefused as exc:
        messages.error(request, str(exc))
        return redirect("surveys:staff_detail", pk=pk)
    messages.success(request, _("En ny version är skapad. Nya svar hamnar i den."))
    return redirect("surveys:staff_detail", pk=new.pk)


@staff_required(SURVEY_EDIT)
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey(pk)
    question = get_object_or_404(survey.questions, pk=question_pk)
    initial = {f: getattr(question, f) for f in ("text", "help_text", "required")}
    form = QuestionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and (form.is_valid() or "delete" in request.POST):
        try:
            if "delete" in request.POST:
                question_delete(question=question)
            else:
                question_update(question=question, **form.cleaned_data)
        except SurveyRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Sparat."))
        return redirect("surveys:staff_detail", pk=survey.pk)
    context = {"survey": survey, "question": question, "form": form, "locked": survey.is_locked()}
    return render(request, "surveys/staff/question.html", context)


@staff_required(SURVEY_READ)
def survey_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _survey(pk)
    if fmt not in {"png", "svg"}:
        raise Http404
    buffer = io.BytesIO()
    qr = segno.make(request.build_absolute_uri(reverse("surveys:answer")), error="m")
    qr.save(buffer, kind=fmt, scale=10, border=4)
    content_type = "image/png" if fmt == "png" else "image/svg+xml"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="trygghetsenkat-qr.{fmt}"'
    return response


@staff_required(SURVEY_READ)
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    by = request.GET.get("efter", "")
    context = {
        "survey": survey,
        "tables": results.question_tables(survey),
        "trends": results.trends(survey),
        "by": by,
        "groupings": GROUPING_LABELS,
        "representativeness": representativeness.representativeness(survey),
        "weigh": request.GET.get("vikta") == "1",
    }
    if by in results.GROUPINGS:
        context["breakdown"] = results.breakdown(survey, by)
    if context["weigh"]:
        context["weighted"] = representativeness.weighted_results(survey)
    return render(request, "surveys/staff/results.html", context)


@staff_required(SURVEY_READ)
def survey_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="trygghetsenkat-{survey.year}-resultat.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 correctly only with the byte-order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerows(results_csv_rows(survey))
    return response


@staff_required(SURVEY_EDIT)
def survey_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """Free-text and place answers for staff; may hold personal data, so each read is logged."""
    survey = _survey(pk)
    answers = (
        Answer.objects.filter(response__survey__municipality=survey.municipality)
        .filter(response__survey__year=survey.year)
        .filter(question__kind__in=[QuestionKind.TEXT, QuestionKind.MAP])
        .select_related("question", "response")
        .order_by("question__position", "pk")
    )
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.VIEW,
        subject=f"Trygghetsenkät {survey.year}: fritextsvar",
    )
    return render(request, "surveys/staff/texts.html", {"survey": survey, "answers": answers})


@staff_required(SURVEY_EDIT)
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Type in paper answers fast: options by number, Tab between fields, Enter to save."""
    survey = _survey(pk)
    form = AnswerForm(request.POST or None, survey=survey, paper=True)
    if request.method == "POST" and form.is_valid():
        try:
            response_submit(
                survey=survey, answers=form.answer_data, channel=Channel.PAPER,
                is_demo=survey.is_demo,
            )
        except SurveyRefused as exc:
            form.add_error(None, str(exc))
        else:
            count = survey.responses.filter(channel=Channel.PAPER).count()
            saved = _("Pappersenkäten är sparad (%(count)s på papper hittills).")
            messages.success(request, saved % {"count": count})
            return redirect("surveys:staff_paper", pk=survey.pk)
    context = {"survey": survey, "form": form, "blocks": form.blocks()}
    return render(request, "surveys/staff/paper.html", context)
