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


def test_the_themes_table_on_the_results_pages_is_axe_clean(
    open_page, staff_page, make_staff, municipality, today, write_texts, client, settings
):
    import datetime

    from tryggve.surveys.services import survey_create_from_bank

    year = today.year - 1
    last_year = survey_create_from_bank(
        municipality=municipality,
        year=year,
        opens_on=datetime.date(year, 3, 1),
        closes_on=datetime.date(year, 4, 30),
    )
    write_texts(last_year, *["Fler poliser och bättre belysning"] * 6, "Buskörning")
    # Warm the server's templates and both catalogues first: on a busy machine the first
    # rendering alone can outlast the browser's ten seconds.
    client.get("/trygghetsenkat/resultat/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get("/trygghetsenkat/resultat/")
    page = open_page(phone=True, path="/trygghetsenkat/resultat/")
    themes = page.get_by_role("table", name="7 fritextsvar")
    expect(themes.get_by_role("row", name="Synlig polis 6 86 % (49–97 %)")).to_be_visible()
    expect(themes.get_by_role("row").filter(has_text="Trafik")).to_contain_text("färre än 5")
    found = {"public-phone": blocking_violations(page)}
    if issue := overflow(page):
        found["public-phone"].append(
            {"id": "overflow", "impact": "serious", "help": issue, "nodes": []}
        )
    handler = make_staff("handlaggare", "case_handler")
    staff = staff_page(handler, path=f"/personal/enkater/{last_year.pk}/resultat/")
    expect(staff.get_by_role("link", name="Synlig polis")).to_be_visible()
    found["staff"] = blocking_violations(staff)
    assert not any(found.values()), describe(found)
