"""The staff question page: its forms, and the POSTs that change options and matrix rows.

The page holds one small form per option (and per matrix row) with Save, Move up, Move
down and Remove buttons, a form to add one, and the condition form. A POST that fails
validation shows the same page with that one form's errors beside its fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tryggve.surveys.forms import ConditionForm, OptionForm, QuestionEditForm, RowForm
from tryggve.surveys.models import MatrixRow, Option, Question, QuestionKind, Survey
from tryggve.surveys.services import (
    CONDITION_KINDS,
    SurveyRefused,
    option_delete,
    option_move,
    option_save,
    row_delete,
    row_move,
    row_save,
)

# part -> (model, form, form prefix letter, save, delete, move)
PARTS = {
    "option": (
        Option,
        OptionForm,
        "o",
        lambda question, item, data: option_save(question=question, option=item, **data),
        lambda item: option_delete(option=item),
        lambda item, step: option_move(option=item, step=step),
    ),
    "row": (
        MatrixRow,
        RowForm,
        "r",
        lambda question, item, data: row_save(question=question, row=item, **data),
        lambda item: row_delete(row=item),
        lambda item, step: row_move(row=item, step=step),
    ),
}


def question_of(survey: Survey, question_pk: int) -> Question:
    return get_object_or_404(survey.questions.select_related("show_if"), pk=question_pk)


def condition_choices(survey: Survey, question: Question) -> list:
    """The answers a condition may name, grouped per earlier question with options:
    [("Fråga 7: …", [("<question id>:<option code>", label), …]), …]."""
    numbers = {pk: n for n, pk in enumerate(survey.questions.values_list("pk", flat=True), 1)}
    earlier = survey.questions.filter(
        position__lt=question.position, kind__in=CONDITION_KINDS
    ).prefetch_related("options")
    return [
        (
            _("Fråga %(number)s: %(text)s") % {"number": numbers[q.pk], "text": q.shown_text},
            [(f"{q.pk}:{o.code}", o.shown_label) for o in q.options.all()],
        )
        for q in earlier
        if q.options.all()
    ]


def _groups(form: ConditionForm, choices: list) -> list[dict]:
    """The condition's checkboxes per earlier question, for one fieldset each."""
    boxes = list(form["answers"])
    groups, start = [], 0
    for legend, options in choices:
        groups.append({"legend": legend, "boxes": boxes[start : start + len(options)]})
        start += len(options)
    return groups


def _item_forms(question: Question, part: str, bound: dict) -> list[tuple]:
    model, form_class, letter, *_actions = PARTS[part]
    items = list(model.objects.filter(question=question))
    result = []
    for item in items:
        prefix = f"{letter}{item.pk}"
        initial = {"label": item.label, "code": item.code}
        if part == "option":
            initial |= {"indicator": item.indicator, "exclusive": item.exclusive}
        result.append((item, bound.get(prefix) or form_class(prefix=prefix, initial=initial)))
    return result


def question_page(request, survey: Survey, question: Question, bound: dict, status: int = 200):
    """The question page; `bound` holds forms of a refused POST by prefix (or "form",
    "condition_form")."""
    choices = condition_choices(survey, question)
    initial = [f"{question.show_if_id}:{code}" for code in question.show_if_options]
    condition_form = bound.get("condition_form") or ConditionForm(
        choices=choices, initial={"answers": initial}
    )
    number = list(survey.questions.values_list("pk", flat=True)).index(question.pk) + 1
    edit_initial = {f: getattr(question, f) for f in ("text", "help_text", "required")}
    context = {
        "survey": survey,
        "question": question,
        "number": number,
        "locked": survey.is_locked(),
        "form": bound.get("form") or QuestionEditForm(initial=edit_initial),
        "condition_form": condition_form,
        "condition_groups": _groups(condition_form, choices),
        "is_multiple": question.kind == QuestionKind.MULTIPLE,
    }
    if question.has_options:
        context["options"] = _item_forms(question, "option", bound)
        context["new_option"] = bound.get("o-ny") or OptionForm(prefix="o-ny")
    if question.kind == QuestionKind.MATRIX:
        context["rows"] = _item_forms(question, "row", bound)
        context["new_row"] = bound.get("r-ny") or RowForm(prefix="r-ny")
    return render(request, "surveys/staff/question.html", context, status=status)


def choice_post(request, survey: Survey, question_pk: int, part: str, item_pk: int | None):
    """Add, save, move or remove an option or a matrix row, then back to the question."""
    question = question_of(survey, question_pk)
    model, form_class, letter, save, delete, move = PARTS[part]
    item = get_object_or_404(model, pk=item_pk, question=question) if item_pk else None
    action = request.POST.get("action", "save")
    try:
        if item is not None and action in ("up", "down"):
            move(item, -1 if action == "up" else 1)
        elif item is not None and action == "delete":
            delete(item)
        else:
            prefix = f"{letter}{item.pk}" if item else f"{letter}-ny"
            siblings = model.objects.filter(question=question).exclude(pk=item_pk)
            taken = set(siblings.values_list("code", flat=True))
            labels = set(siblings.values_list("label", flat=True))
            form = form_class(request.POST, prefix=prefix, taken=taken, labels=labels)
            if not form.is_valid():
                return question_page(request, survey, question, {prefix: form})
            save(question, item, form.cleaned_data)
    except SurveyRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sparat."))
    url = reverse("surveys:staff_question", kwargs={"pk": survey.pk, "question_pk": question.pk})
    return redirect(f"{url}#{part}s")
