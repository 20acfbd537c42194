"""The survey in real headless Chromium: a resident answers on a phone with a place on the
map, another with JavaScript off, and axe-core checks every survey page, public and staff."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import blocking_violations, describe, overflow
from tryggve.surveys.models import Answer, Channel, Response

pytestmark = pytest.mark.browser


def check(page: Page, name: str, shot, found: dict, *, phone: bool = False) -> None:
    page.wait_for_load_state("load")
    shot(page, f"survey-{name}")
    violations = blocking_violations(page)
    if violations:
        found[name] = violations
    if phone and (problem := overflow(page)):
        found.setdefault(name, []).append(
            {"id": "overflow", "impact": "serious", "help": problem, "nodes": []}
        )


def test_answer_on_a_phone_with_a_place_on_the_map(open_page, survey, shot):
    found: dict = {}
    page = open_page(phone=True, path="/trygghetsenkat/")
    check(page, "answer-phone", shot, found, phone=True)
    page.get_by_label("Ganska otrygg", exact=True).check()
    # The follow-up question appears only once "Annat" is chosen.
    other = page.locator("#fraga-safer_other")
    expect(other).to_be_hidden()
    page.get_by_role("checkbox", name="Annat").check()
    expect(other).to_be_visible()
    page.get_by_label("Vad annat skulle få dig att känna dig tryggare?").fill("Fler vuxna ute")
    page.get_by_role("button", name="Markera plats 1 på kartan").click()
    expect(page.locator("#map-status")).to_contain_text("Nu väljer du plats 1")
    page.locator("#survey-map").click()
    expect(page.locator("#map-status")).to_contain_text("Plats 1: Vald plats:")
    assert page.locator("[name='q-unsafe_places-1-lat']").input_value()
    page.locator("[name='q-unsafe_places-1-text']").fill("Mörk gångtunnel")
    page.locator("[name='q-unsafe_places-1-time']").select_option("night")
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
    check(page, "thanks-phone", shot, found, phone=True)
    place = Answer.objects.get(question__code="unsafe_places")
    assert place.lat is not None and place.text == "Mörk gångtunnel"
    assert place.time_of_day == "night"
    assert Answer.objects.get(question__code="safer_other").text == "Fler vuxna ute"
    page.goto("/trygghetsenkat/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har redan svarat")
    check(page, "already-phone", shot, found, phone=True)
    assert not found, describe(found)


def test_answer_without_javascript_with_a_mistake_first(open_page, survey, shot):
    page = open_page(javascript=False, path="/trygghetsenkat/")
    expect(page.locator("[data-map-block]")).to_be_hidden()
    # The condition is said in words instead of hiding the question.
    expect(page.get_by_text("Svara bara om du valde ”Annat”")).to_be_visible()
    page.locator("[name='q-unsafe_places-1-text']").fill("Mörkt vid skolan")
    page.get_by_label("45–64 år", exact=True).check()
    page.get_by_role("button", name="Skicka mina svar").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Svara på frågan.")
    expect(summary).to_contain_text("Välj platsen på kartan eller beskriv den med ord.")
    shot(page, "survey-answer-errors-nojs")  # axe needs JavaScript: see the test below
    # What was typed is still there.
    expect(page.get_by_label("45–64 år", exact=True)).to_be_checked()
    expect(page.locator("[name='q-unsafe_places-1-text']")).to_have_value("Mörkt vid skolan")
    page.get_by_label("Mycket trygg", exact=True).check()
    page.locator("[name='q-unsafe_places-1-place']").fill("Skolgården")
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
    assert Response.objects.get().channel == Channel.WEB
    assert Answer.objects.get(question__code="unsafe_places").place_text == "Skolgården"


def test_every_survey_page_is_axe_clean(open_page, staff_page, make_staff, survey, shot):
    from tryggve.surveys.demo import load_demo_surveys

    survey.delete()
    load_demo_surveys(municipality=survey.municipality, today=survey.opens_on)
    from tryggve.surveys.models import Survey

    current = Survey.objects.get(year=survey.year)
    last = Survey.objects.get(year=survey.year - 1)
    found: dict = {}
    public = [
        ("answer", "/trygghetsenkat/"),
        ("results", "/trygghetsenkat/resultat/"),
        ("results-area", "/trygghetsenkat/resultat/?efter=area"),
        ("results-2024", f"/trygghetsenkat/resultat/?ar={survey.year - 2}&efter=age"),
    ]
    # Every check covers both widths (and both languages); the desktop browser's own
    # behaviour (no touch) is what test_results_pages_name_every_landmark_apart and the
    # staff pages below use.
    for name, path in public:
        check(open_page(phone=True, path=path), f"{name}-phone", shot, found, phone=True)
    # The form with error messages and the error summary.
    page = open_page(phone=True, path="/trygghetsenkat/")
    page.locator("[name='q-unsafe_places-1-text']").fill("Mörkt")
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.locator("#error-summary")).to_be_focused()  # error-summary.js
    check(page, "answer-errors-phone", shot, found, phone=True)
    handler = make_staff("handlaggare", "case_handler")
    question = current.questions.first()
    base = f"/personal/enkater/{current.pk}/"
    for name, path in [
        ("staff-list", "/personal/enkater/"),
        ("staff-detail", base),
        ("staff-results", base + "resultat/?efter=gender"),
        ("staff-results-last", f"/personal/enkater/{last.pk}/resultat/"),
        ("staff-texts", base + "fritext/"),
        ("staff-paper", base + "papper/"),
        ("staff-question", base + f"fraga/{question.pk}/"),
    ]:
        check(staff_page(handler, path=path), name, shot, found)
    check(
        staff_page(handler, phone=True, path=base + "papper/"),
        "staff-paper-phone",
        shot,
        found,
        phone=True,
    )
    assert not found, describe(found)


@pytest.mark.parametrize("phone", [True, False])
def test_no_stray_line_beside_headings_and_no_dead_map_buttons_without_js(
    open_page, survey, phone
):
    """A legend sits in its fieldset's top border: after a short heading the rest of the
    border showed as a line beside it. The heading must sit wholly below the border."""
    page = open_page(javascript=False, phone=phone, path="/trygghetsenkat/")
    for code in ("age", "gender"):
        fieldset = page.locator(f"#fraga-{code}")
        box = fieldset.bounding_box()
        legend = fieldset.locator("> legend").bounding_box()
        assert legend["y"] >= box["y"] + 2, code  # below the 2 px top border
    expect(page.get_by_role("button", name="Markera plats 1 på kartan")).to_be_hidden()
    expect(page.get_by_role("button", name="Ta bort plats 1")).to_be_hidden()
    expect(page.get_by_text("ange dess koordinater")).to_be_visible()


def test_results_pages_name_every_landmark_apart(open_page, staff_page, make_staff, survey):
    """axe's landmark-unique (moderate, so not in the blocking walk above): a screen
    reader's list of regions must not hold two with the same name (the result and its
    trend, the trend tables, the map and its section)."""
    from axe_playwright_python.sync_playwright import Axe

    from tryggve.surveys.demo import load_demo_surveys
    from tryggve.surveys.models import Survey

    survey.delete()
    load_demo_surveys(municipality=survey.municipality, today=survey.opens_on)
    last = Survey.objects.get(year=survey.year - 1)
    page = open_page(path="/trygghetsenkat/resultat/")
    staff = staff_page(make_staff("handlaggare", "case_handler"))
    for target, path in (
        (page, "/trygghetsenkat/resultat/"),
        (page, "/trygghetsenkat/resultat/?efter=area"),
        (staff, f"/personal/enkater/{last.pk}/resultat/"),
    ):
        target.goto(path)
        target.wait_for_load_state("networkidle")
        results = Axe().run(target, options={"runOnly": ["landmark-unique"]})
        found = [
            node["target"] for v in results.response["violations"] for node in v["nodes"]
        ]
        assert not found, f"{path}: {found}"
