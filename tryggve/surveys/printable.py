"""The printable questionnaire: every question of a survey as a large-type PDF for paper answers.

Older residents answer on paper (handed out at PRO meetings); staff then type the answers in
on the paper entry page. So the questions and options carry the same numbers here as there:
question N is the survey's N-th question, option k is typed as k.

The PDF is made by WeasyPrint from two templates (the page and its stylesheet), with fonts
from the system (DejaVu Sans, found through fontconfig) and nothing fetched from anywhere:
the one picture, the QR code, is inline SVG, and the URL fetcher allows data: addresses only.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tryggve.areas.models import ResidentialArea
from tryggve.lib.pdf import html_to_pdf
from tryggve.surveys.models import (
    CHOICE_KINDS,
    MAP_PLACES,
    Question,
    QuestionKind,
    Survey,
    TimeOfDay,
)

# Free-text questions get this many lines to write on; a place's description fewer.
TEXT_LINES = 5
PLACE_LINES = 2


def _options(question: Question, areas: list[tuple[str, str]]) -> list[dict]:
    if question.kind == QuestionKind.AREA:
        labels = [name for _slug, name in areas] + [_("Annat område eller vet inte")]
    else:
        labels = [o.shown_label for o in question.options.all()]
    return [{"number": n, "label": label} for n, label in enumerate(labels, start=1)]


def _condition(question: Question, numbers: dict[int, int]) -> str:
    if not question.show_if_id:
        return ""
    labels = [
        o.shown_label for o in question.show_if.options.all() if o.code in question.show_if_options
    ]
    return _("Om du svarade %(options)s på fråga %(number)s:") % {
        "options": _(" eller ").join(f"”{label}”" for label in labels),
        "number": numbers.get(question.show_if_id, ""),
    }


def questionnaire_blocks(survey: Survey) -> list[dict]:
    """The questions in the paper entry form's order, each with what the page prints."""
    questions = list(
        survey.questions.select_related("show_if").prefetch_related(
            "options", "rows", "show_if__options"
        )
    )
    # The paper entry form lists the areas in this same order (forms.AnswerForm).
    areas = [
        (a.slug, a.name) for a in ResidentialArea.objects.filter(municipality=survey.municipality)
    ]
    numbers = {q.pk: n for n, q in enumerate(questions, start=1)}
    blocks = []
    for q in questions:
        block = {
            "number": numbers[q.pk],
            "kind": q.kind,
            "text": q.shown_text,
            "help": q.shown_help,
            "required": q.required,
            "condition": _condition(q, numbers),
            "layout": "list",
        }
        if q.kind in CHOICE_KINDS or q.kind in {QuestionKind.AREA, QuestionKind.MULTIPLE}:
            block["options"] = _options(q, areas)
            if q.kind in {QuestionKind.SCALE4, QuestionKind.SCALE5}:
                block["layout"] = "scale"
            if not block["help"]:  # the bank's own help already says "Välj alla som stämmer"
                block["how"] = (
                    _("Kryssa i alla som stämmer.")
                    if q.kind == QuestionKind.MULTIPLE
                    else _("Kryssa i ett svar.")
                )
        elif q.kind == QuestionKind.MATRIX:
            block["layout"] = "matrix"
            block["options"] = _options(q, areas)
            block["rows"] = [r.shown_label for r in q.rows.all()]
            block["how"] = _("Kryssa i ett svar på varje rad.")
        elif q.kind == QuestionKind.NUMBER:
            block["layout"] = "number"
        elif q.kind == QuestionKind.TEXT:
            block["layout"] = "text"
            block["lines"] = range(TEXT_LINES)
        elif q.kind == QuestionKind.MAP:
            block["layout"] = "places"
            block["help"] = ""  # its help speaks of the map; the template asks for words
            block["places"] = range(1, MAP_PLACES + 1)
            block["lines"] = range(PLACE_LINES)
            block["times"] = [label for _value, label in TimeOfDay.choices]
        blocks.append(block)
    return blocks


def questionnaire_html(survey: Survey, *, link: str, qr_svg: str) -> str:
    return render_to_string(
        "surveys/print/questionnaire.html",
        {
            "survey": survey,
            "blocks": questionnaire_blocks(survey),
            "link": link,
            "qr_svg": qr_svg,
            "paper_return": survey.paper_return
            or _(
                "Lämna den ifyllda enkäten i kommunens reception, eller till den som gav dig "
                "enkäten."
            ),
            "language": get_language() or "sv",
        },
    )


def questionnaire_pdf(survey: Survey, *, link: str, qr_svg: str) -> bytes:
    """The questionnaire as a tagged PDF (PDF/UA-1) with page numbers."""
    # The stylesheet is a template so that the page footer ("Sida 1 av 4") is translated.
    footer = _("Sida %(page)s av %(pages)s") % {
        "page": '" counter(page) "',
        "pages": '" counter(pages) "',
    }
    css = render_to_string("surveys/print/questionnaire.css", {"footer": footer})
    return html_to_pdf(questionnaire_html(survey, link=link, qr_svg=qr_svg), css=css)
