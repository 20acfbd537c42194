"""Staff correct a free-text answer's themes in Chromium on a phone, with no JavaScript
needed, and see the word the lexicon learned; the page stays axe-clean and fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tryggve.browser_fixtures import blocking_violations, describe, overflow
from tryggve.surveys.models import AnswerTheme

pytestmark = pytest.mark.browser


def test_correct_a_theme_on_a_phone_and_see_what_was_learned(
    staff_page, make_staff, survey, write_texts, shot
):
    first, second = write_texts(survey, "Pundare vid kiosken", "pundarna är tillbaka")
    handler = make_staff("handlaggare", "case_handler")
    page = staff_page(handler, phone=True, path=f"/personal/enkater/{survey.pk}/fritext/")
    answer = page.locator(f"#svar-{first.pk}")
    expect(answer.get_by_label("Övrigt")).to_be_checked()
    answer.get_by_label("Övrigt").uncheck()
    answer.get_by_label("Alkohol och droger").check()
    answer.get_by_role("button", name="Spara teman").click()
    expect(page.get_by_text("Sparat.")).to_be_visible()
    expect(page.locator(f"#svar-{first.pk}").get_by_label("Alkohol och droger")).to_be_checked()
    # The other answer with the same word got the theme too, and staff see the word.
    expect(page.locator(f"#svar-{second.pk}").get_by_label("Alkohol och droger")).to_be_checked()
    expect(page.get_by_role("button", name="Ta bort pund ur ordlistan")).to_be_visible()
    shot(page, "survey-themes-corrected-phone")
    problems = blocking_violations(page)
    if issue := overflow(page):
        problems.append({"id": "overflow", "impact": "serious", "help": issue, "nodes": []})
    assert not problems, describe({"texts-phone": problems})
    assert set(AnswerTheme.objects.filter(answer=second).values_list("code", flat=True)) == {
        "alkohol_droger"
    }
