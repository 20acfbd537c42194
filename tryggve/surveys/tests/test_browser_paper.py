"""Paper entry by keyboard in real headless Chromium: typing starts in the first answer field
when the page opens and again after each save, and the skip link still leads to the content."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tryggve.surveys.models import Answer, Channel, Response

pytestmark = pytest.mark.browser


def test_typing_goes_into_the_first_answer_field(staff_page, make_staff, survey):
    handler = make_staff("handlaggare", "case_handler")
    page = staff_page(handler, path=f"/personal/enkater/{survey.pk}/papper/")
    first = page.locator("[name='q-unsafe_evening']")
    expect(first).to_be_focused()
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Pappersenkäten är sparad (1 på papper hittills).")).to_be_visible()
    expect(first).to_be_focused()
    expect(first).to_have_value("")
    page.keyboard.type("1")
    expect(first).to_have_value("1")
    options = list(survey.questions.get(code="unsafe_evening").options.order_by("position"))
    saved = Answer.objects.get(question__code="unsafe_evening")
    assert saved.option == options[1]
    assert Response.objects.get().channel == Channel.PAPER
    # The skip link is still first in the tab order from the top and leads to the content.
    skip = page.locator("a.skip-link")
    skip.focus()
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_after_a_wrong_number_typing_goes_on_in_that_field(staff_page, make_staff, survey):
    """The page's autofocus names where to type after an error; the shared error-summary.js
    leaves it there rather than moving focus to the summary."""
    handler = make_staff("handlaggare", "case_handler")
    page = staff_page(handler, path=f"/personal/enkater/{survey.pk}/papper/")
    wrong = page.locator("[name='q-burglary_worry']")
    wrong.fill("99")
    wrong.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(wrong).to_be_focused()
    assert not Response.objects.exists()
