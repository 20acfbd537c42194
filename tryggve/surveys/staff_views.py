"""Staff pages for the survey under /personal/enkater/."""

from __future__ import annotations

import csv
import io
import uuid
from itertools import count

import segno
from django.contrib import messages
from django.db.models import Prefetch
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
from tryggve.lib.links import absolute_url
from tryggve.lib.themes import THEME_NAMES
from tryggve.lib.views import form_action
from tryggve.surveys import representativeness, results
from tryggve.surveys.embed import embed_snippet
from tryggve.surveys.exports import results_csv_rows, results_xlsx
from tryggve.surveys.forms import (
    AnswerForm,
    ConditionForm,
    QuestionAddForm,
    QuestionEditForm,
    SurveyCreateForm,
    SurveyEditForm,
    ThemeCorrectionForm,
)
from tryggve.surveys.models import (
    DISPOSED_TEXT,
    THEME_CHOICES,
    Answer,
    Channel,
    LearnedTerm,
    QuestionKind,
    Survey,
    SurveyState,
    ThemeCorrection,
)
from tryggve.surveys.permissions import SURVEY_EDIT, SURVEY_READ
from tryggve.surveys.printable import questionnaire_pdf
from tryggve.surveys.question_pages import (
    choice_post,
    condition_choices,
    question_of,
    question_page,
)
from tryggve.surveys.services import (
    SurveyRefused,
    question_add,
    question_delete,
    question_set_condition,
    question_update,
    response_submit,
    survey_create_for_year,
    survey_new_version,
    survey_update,
)
from tryggve.surveys.tasks import results_refresh_enqueue, results_served
from tryggve.surveys.texts import GROUPING_LABELS
from tryggve.surveys.theme_services import learned_term_remove, theme_correction_save
from tryggve.surveys.views import places_context


def _survey(pk: int) -> Survey:
    municipality = home_municipality()
    return get_object_or_404(
        Survey.objects.select_related("municipality"), pk=pk, municipality=municipality
    )


def _can_edit(request) -> bool:
    return may_open(request.roles, SURVEY_EDIT)


def _survey_initial(survey: Survey) -> dict:
    fields = ("title", "introduction", "paper_return", "opens_on", "closes_on")
    return {f: getattr(survey, f) for f in fields}


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
    # Suggest the first year without a survey: a year that has one is changed on its page.
    taken = {s.year for s in surveys}
    form = SurveyCreateForm(initial={"year": next(y for y in count(today.year) if y not in taken)})
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
    try:
        survey = survey_create_for_year(municipality=municipality, year=form.cleaned_data["year"])
    except SurveyRefused as exc:
        messages.error(request, str(exc))
        return redirect("surveys:staff_list")
    messages.success(request, _("Enkäten är skapad från frågebanken."))
    return redirect("surveys:staff_detail", pk=survey.pk)


@staff_required(SURVEY_READ)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read by every survey reader; saved only by those who may edit (a reader's POST: 403)."""
    survey = _survey(pk)
    if request.method == "POST" and not _can_edit(request):
        return render(request, "accounts/forbidden.html", status=403)
    form = SurveyEditForm(request.POST or None, initial=_survey_initial(survey))
    if request.method == "POST" and form.is_valid():
        try:
            survey_update(survey=survey, **form.cleaned_data)
        except SurveyRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sparat."))
            return redirect("surveys:staff_detail", pk=survey.pk)
    return _detail_page(request, survey, form=form)


def _detail_page(request, survey: Survey, *, form=None, add_form=None) -> HttpResponse:
    context = {
        "survey": survey,
        "form": form or SurveyEditForm(initial=_survey_initial(survey)),
        "add_form": add_form or QuestionAddForm(survey=survey),
        "can_edit": _can_edit(request),
        "state_label": SurveyState(survey.state(timezone.localdate())).label,
        "locked": survey.is_locked(),
        "questions": survey.questions.all(),
        "link": absolute_url("surveys:answer", request),
        "embed": embed_snippet(survey, request),
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
    question = question_of(survey, question_pk)
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
    return question_page(request, survey, question, {"form": form})


@staff_required(SURVEY_EDIT)
@require_POST
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a question from the bank, or a blank one of a chosen kind, last in the survey."""
    survey = _survey(pk)
    form = QuestionAddForm(request.POST, survey=survey)
    if form.is_valid():
        kind, value = form.cleaned_data["source"].split(":", 1)
        try:
            question = question_add(
                survey=survey,
                bank_code=value if kind == "bank" else "",
                kind=value if kind == "ny" else "",
                text=form.cleaned_data["text"],
            )
        except SurveyRefused as exc:  # locked meanwhile: the form is no longer shown
            messages.error(request, str(exc))
            return redirect("surveys:staff_detail", pk=survey.pk)
        messages.success(request, _("Frågan är tillagd sist i enkäten."))
        return redirect("surveys:staff_question", pk=survey.pk, question_pk=question.pk)
    return _detail_page(request, survey, add_form=form)


@staff_required(SURVEY_EDIT)
@require_POST
def question_condition(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Show the question only after certain answers to one earlier question (or always)."""
    survey = _survey(pk)
    question = question_of(survey, question_pk)
    form = ConditionForm(request.POST, choices=condition_choices(survey, question))
    if form.is_valid():
        parent_pk, codes = form.condition
        parent = survey.questions.filter(pk=parent_pk).first() if parent_pk else None
        try:
            question_set_condition(question=question, show_if=parent, options=codes)
        except SurveyRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Villkoret är sparat."))
            return redirect("surveys:staff_question", pk=survey.pk, question_pk=question.pk)
    return question_page(request, survey, question, {"condition_form": form})


@staff_required(SURVEY_EDIT)
@require_POST
def option_add(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    return choice_post(request, _survey(pk), question_pk, "option", None)


@staff_required(SURVEY_EDIT)
@require_POST
def option_change(request: HttpRequest, pk: int, question_pk: int, item_pk: int) -> HttpResponse:
    """Save, move up or down, or remove one option (the button pressed says which)."""
    return choice_post(request, _survey(pk), question_pk, "option", item_pk)


@staff_required(SURVEY_EDIT)
@require_POST
def row_add(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    return choice_post(request, _survey(pk), question_pk, "row", None)


@staff_required(SURVEY_EDIT)
@require_POST
def row_change(request: HttpRequest, pk: int, question_pk: int, item_pk: int) -> HttpResponse:
    """Save, move up or down, or remove one matrix row (the button pressed says which)."""
    return choice_post(request, _survey(pk), question_pk, "row", item_pk)


@staff_required(SURVEY_READ)
def survey_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _survey(pk)
    if fmt not in {"png", "svg"}:
        raise Http404
    buffer = io.BytesIO()
    qr = segno.make(absolute_url("surveys:answer", request), error="m")
    qr.save(buffer, kind=fmt, scale=10, border=4)
    content_type = "image/png" if fmt == "png" else "image/svg+xml"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="trygghetsenkat-qr.{fmt}"'
    return response


@staff_required(SURVEY_READ)
def survey_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable questionnaire (large type) for paper answers, numbered as the paper
    entry form is."""
    survey = _survey(pk)
    link = absolute_url("surveys:answer", request)
    qr_svg = segno.make(link, error="m").svg_inline(scale=4, border=2)
    pdf = questionnaire_pdf(survey, link=link, qr_svg=qr_svg)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="trygghetsenkat-{survey.year}.pdf"'
    return response


@staff_required(SURVEY_READ)
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    by = request.GET.get("efter", "")
    can_edit = _can_edit(request)
    with results_served() as freshness:
        context = {
            "survey": survey,
            "tables": results.question_tables(survey),
            "trends": results.trends(survey),
            "by": by,
            "groupings": GROUPING_LABELS,
            "themes": results.theme_table(survey),
            "can_edit": can_edit,
            "representativeness": representativeness.representativeness(survey),
            "weigh": request.GET.get("vikta") == "1",
            "repeats": results.repeat_count(survey),
            "freshness": freshness,
        }
        if by in results.GROUPINGS:
            context["breakdown"] = results.breakdown(survey, by)
        if context["weigh"]:
            # Served from the stored raking like the counts (recounted by the task).
            context["weighted"] = representativeness.weighted_results(survey)
        # The detail (squares of one respondent, what they wrote) only for those who read the
        # survey's free text, as on the situation picture; the others get the public map.
        context.update(places_context(survey, public=not can_edit))
    if can_edit and any(cell.texts for cell in context["places"].cells):
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            purpose=AccessLog.Purpose.SURVEY,
            subject=f"Trygghetsenkät {survey.year}: platsbeskrivningar på kartan",
        )
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


@staff_required(SURVEY_READ)
def survey_results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    response = HttpResponse(
        results_xlsx(survey),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="trygghetsenkat-{survey.year}-resultat.xlsx"'
    )
    return response


def _text_answers(survey: Survey, theme: str):
    """The year's free-text and place answers with their themes and corrections (three
    queries however many), optionally only those of one theme."""
    answers = (
        Answer.objects.filter(response__survey__municipality=survey.municipality)
        .filter(response__survey__year=survey.year)
        .filter(question__kind__in=[QuestionKind.TEXT, QuestionKind.MAP])
        .exclude(text=DISPOSED_TEXT, place_text="")  # nothing left to read
        .select_related("question", "response")
        .prefetch_related(
            "themes",
            Prefetch(
                "theme_corrections",
                queryset=ThemeCorrection.objects.select_related("created_by"),
            ),
        )
        .order_by("question__position", "pk")
    )
    if theme in THEME_NAMES:
        answers = answers.filter(themes__code=theme)
    return answers


@staff_required(SURVEY_EDIT)
def survey_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """Free-text and place answers for staff; may hold personal data, so each read is logged.
    Staff correct each answer's themes here and see the terms the corrections taught."""
    survey = _survey(pk)
    theme = request.GET.get("tema", "")
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.VIEW,
        purpose=AccessLog.Purpose.SURVEY,
        subject=f"Trygghetsenkät {survey.year}: fritextsvar",
    )
    context = {
        "survey": survey,
        "answers": _text_answers(survey, theme),
        "theme": theme,
        "theme_choices": THEME_CHOICES,
        "learned": LearnedTerm.objects.filter(municipality=survey.municipality)
        .select_related("created_by", "removed_by")
        .order_by("removed", "theme", "stem"),
    }
    return render(request, "surveys/staff/texts.html", context)


@staff_required(SURVEY_EDIT)
@require_POST
def answer_themes_correct(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """Set one free-text answer's themes; the correction may teach the lexicon."""
    survey = _survey(pk)
    answer = get_object_or_404(_text_answers(survey, "").exclude(text=""), pk=answer_pk)
    form = ThemeCorrectionForm(request.POST)
    back = reverse("surveys:staff_texts", args=[survey.pk]) + f"#svar-{answer.pk}"
    return form_action(
        request,
        form,
        action=lambda: theme_correction_save(
            answer=answer, codes=form.cleaned_data["themes"], by=request.user
        ),
        refused=SurveyRefused,
        back=back,
    )


@staff_required(SURVEY_EDIT)
@require_POST
def learned_term_delete(request: HttpRequest, pk: int, term_pk: int) -> HttpResponse:
    """Take a learned term out of the municipality's lexicon."""
    survey = _survey(pk)
    term = get_object_or_404(LearnedTerm, pk=term_pk, municipality=survey.municipality)
    learned_term_remove(term=term, by=request.user)
    messages.success(request, _("Ordet är borttaget ur ordlistan."))
    return redirect(reverse("surveys:staff_texts", args=[survey.pk]) + "#inlarda-ord")


@staff_required(SURVEY_EDIT)
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Type in paper answers fast: options by number, Tab between fields, Enter to save."""
    survey = _survey(pk)
    # A fresh key per blank form: pressing Enter twice (or reloading) saves the paper once.
    initial = {"submission_key": uuid.uuid4()}
    form = AnswerForm(request.POST or None, survey=survey, paper=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            response_submit(
                survey=survey,
                answers=form.answer_data,
                channel=Channel.PAPER,
                submission_key=form.cleaned_data.get("submission_key"),
                is_demo=survey.is_demo,
            )
        except SurveyRefused as exc:
            form.add_error(None, str(exc))
        else:
            results_refresh_enqueue(survey_id=survey.pk)
            count = survey.responses.filter(channel=Channel.PAPER).count()
            saved = _("Pappersenkäten är sparad (%(count)s på papper hittills).")
            messages.success(request, saved % {"count": count})
            return redirect("surveys:staff_paper", pk=survey.pk)
    blocks = form.blocks()
    _focus_first_answer(form, blocks)
    context = {"survey": survey, "form": form, "blocks": blocks}
    return render(request, "surveys/staff/paper.html", context)


def _focus_first_answer(form: AnswerForm, blocks: list[dict]) -> None:
    """Typing starts in the first answer field (or the first one with an error) when the page
    opens and after each save, without JavaScript and without Tabbing through the header;
    the skip link stays first in the tab order for those who go back."""
    names = [field.name for block in blocks for field in block.get("fields", [])]
    wrong = [name for name in names if name in form.errors]
    if first := (wrong or names or [None])[0]:
        form.fields[first].widget.attrs["autofocus"] = True
