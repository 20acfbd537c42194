"""The residents' survey pages: answer, thanks, and the public results. No login, no address
stored; one answer per browser through a signed cookie."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tryggve.areas.selectors import home_municipality
from tryggve.areas.selectors import map_context as area_map_context
from tryggve.lib.guard import earlier_posts, public_post, seen_recently
from tryggve.surveys import representativeness, results
from tryggve.surveys.forms import AnswerForm, survey_structure_known
from tryggve.surveys.models import Survey, SurveyState
from tryggve.surveys.services import SurveyRefused, response_submit
from tryggve.surveys.tasks import results_refresh_enqueue, results_served
from tryggve.surveys.texts import map_texts

COOKIE_SALT = "tryggve.surveys.answered"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _cookie_name(survey: Survey) -> str:
    # Per municipality and year: a new version of the year's survey is not a new invitation.
    return f"trygghetsenkat-{survey.municipality.code}-{survey.year}"


def has_answered(request: HttpRequest, survey: Survey) -> bool:
    value = request.get_signed_cookie(_cookie_name(survey), default=None, salt=COOKIE_SALT)
    return value is not None


def public_survey(today: datetime.date) -> Survey | None:
    """The survey residents see now: the open one, else the next to open, else the latest."""
    municipality = home_municipality()
    if municipality is None:
        return None
    surveys = Survey.objects.filter(municipality=municipality).current_versions()
    surveys = surveys.select_related("municipality")
    return (
        surveys.open_on(today).first()
        or surveys.filter(opens_on__gt=today).order_by("opens_on").first()
        or surveys.exclude(opens_on=None).order_by("-year").first()
    )


BLANK_FORM_SECONDS = 3600


def blank_questions(request: HttpRequest, form: AnswerForm) -> str | None:
    """The unbound form's questions as HTML, rendered once per survey and language.

    They are the same for every resident (what differs per visitor, the CSRF token, the
    guard's fields and the submission key, is outside them), and rendering about a hundred
    radio buttons is most of the page's work. Only once the survey is locked (it has answers): its
    questions are locked then (changes make a new version, a new key)."""
    survey = form.survey
    if form.is_bound or not (survey_structure_known(survey) or survey.is_locked()):
        return None
    key = f"surveys:blank-form:{survey.pk}:{survey.created.timestamp()}:{get_language()}"
    html = cache.get(key)
    if html is None:
        context = {"form": form, "blocks": form.blocks(), "map": True}
        html = render_to_string("surveys/includes/questions.html", context, request=request)
        cache.set(key, html, BLANK_FORM_SECONDS)
    return mark_safe(html)  # noqa: S308 -- rendered by our own template, autoescaped


def typed_texts(request: HttpRequest, survey: Survey) -> list[tuple[str, str]]:
    """What a resident wrote in the survey's free-text fields, when the survey closed while
    they answered: the page gives it back so that nothing they typed is lost."""
    form = AnswerForm(survey=survey)
    typed = []
    for name, field in form.fields.items():
        value = request.POST.get(name, "").strip()
        # Free text and places described in words; choices can be ticked again.
        if value and type(field) is forms.CharField:
            typed.append((str(field.label), value[: field.max_length or len(value)]))
    return typed


def _form_page(request, form: AnswerForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "survey": form.survey}
    context["questions_html"] = blank_questions(request, form)
    if context["questions_html"] is None:
        context["blocks"] = form.blocks()
    context.update(area_map_context(**map_texts()))
    return render(request, "surveys/answer.html", context, status=status)


@public_post("survey")
def answer(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    survey = public_survey(today)
    if survey is None or not survey.is_open(today):
        state = survey.state(today) if survey else SurveyState.DRAFT
        typed = typed_texts(request, survey) if request.method == "POST" and survey else []
        context = {"survey": survey, "state": state, "typed": typed}
        return render(request, "surveys/closed.html", context)
    if has_answered(request, survey):
        return render(request, "surveys/already.html", {"survey": survey})
    if request.method != "POST":
        initial = {"submission_key": uuid.uuid4()}
        return _form_page(request, AnswerForm(survey=survey, initial=initial))
    form = AnswerForm(request.POST, survey=survey)
    if not form.is_valid():
        return _form_page(request, form)
    try:
        response_submit(
            survey=survey,
            answers=form.answer_data,
            submission_key=form.cleaned_data.get("submission_key"),
            is_demo=survey.is_demo,
            # Not the first answer from this address within the guard's window, nor within
            # SURVEY_REPEAT_SECONDS of the address's previous answer (across the window's
            # boundary, where the window's own count starts again).
            repeat_from_address=seen_recently("survey", settings.SURVEY_REPEAT_SECONDS)
            or earlier_posts() > 0,
        )
    except SurveyRefused as exc:
        form.add_error(None, str(exc))
        return _form_page(request, form)
    results_refresh_enqueue(survey_id=survey.pk)  # the results pages count it soon
    done = redirect("surveys:thanks")
    done.set_signed_cookie(
        _cookie_name(survey), "1", salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE,
        httponly=True, samesite="Lax", secure=request.is_secure(),
    )
    return done


@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    survey = public_survey(timezone.localdate())
    answered = survey is not None and has_answered(request, survey)
    return render(request, "surveys/thanks.html", {"survey": survey, "answered": answered})


@require_safe
def public_results(request: HttpRequest) -> HttpResponse:
    """The latest year with answers that is no longer open, or the year asked for."""
    today = timezone.localdate()
    municipality = home_municipality()
    surveys = Survey.objects.filter(municipality=municipality).current_versions()
    closed = [s for s in surveys.select_related("municipality") if s.state(today) == "closed"]
    year = request.GET.get("ar", "")
    chosen = next((s for s in closed if str(s.year) == year), closed[0] if closed else None)
    by = request.GET.get("efter", "")
    context = {"survey": chosen, "years": [s.year for s in closed], "by": by}
    if chosen is not None:
        with results_served() as freshness:
            # Public figures leave out repeated answers from one address.
            context["tables"] = results.question_tables(chosen, public=True)
            context["trends"] = results.trends(chosen, public=True)
            context["themes"] = results.theme_table(chosen, public=True)
            context["representativeness"] = representativeness.representativeness(
                chosen, public=True
            )
            if by in results.GROUPINGS:
                context["breakdown"] = results.breakdown(chosen, by, public=True)
            context.update(places_context(chosen, public=True))
        context["freshness"] = freshness
    return render(request, "surveys/public_results.html", context)


def places_context(survey: Survey, *, public: bool) -> dict:
    """The map of unsafe places for a results page: its cells (public: at least five
    respondents, no text), the legend, and on the public page the e-service's reports."""
    places = results.places(survey, public=public)  # stored, recounted in the background
    context = area_map_context(
        tilesFailed=_("Kartbilden kunde inte laddas. Samma rutor finns i tabellen under kartan."),
        reportsFailed=_("Rapporterna från e-tjänsten kunde inte hämtas."),
        reportsTruncated=_("Bara de senaste rapporterna visas. Zooma in för att se fler."),
    )
    if public:
        context["map_config"]["reportsUrl"] = reverse("reports:geojson")
    # Stored finished (escaped by json_script when it was computed).
    script = mark_safe(places.script())  # noqa: S308
    return {"places": places, "place_layers_script": script, **context}
