"""Reading the follow-up in real headless Chromium, for what axe cannot see: on the English
/medborgarloften/ the promise and its follow-up, written in Swedish, are marked Swedish so
that a screen reader reads them in Swedish (WCAG 3.1.2); at 320 px with the reader's text
spacing a form's group heading (a legend, as wide as its words) wraps, and the council's
tables scroll in their own box, not the page (1.4.10, 1.4.12)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import REFLOW, overflow, with_text_spacing
from tryggve.followup.council_demo import load_demo_council
from tryggve.followup.demo import load_demo_followup
from tryggve.followup.models import ActivityUpdate, Commitment, CouncilMeeting, Party, Promise

pytestmark = pytest.mark.browser


def language_of_text(page: Page, text: str) -> str:
    """The language a screen reader reads `text` in: the nearest lang of the innermost
    element holding all of it."""
    return page.evaluate(
        """(text) => {
            const holders = [...document.querySelectorAll("main *")].filter(
                el => el.textContent.replace(/\\s+/g, " ").includes(text));
            const inner = holders.filter(el => !holders.some(o => o !== el && el.contains(o)));
            return inner.length ? inner[0].closest("[lang]").lang : null;
        }""",
        " ".join(text.split()),
    )


def test_the_swedish_promise_reads_in_swedish_on_the_english_page(
    open_page, site, municipality, today
):
    load_demo_followup(municipality=municipality, today=today)
    promise = Promise.objects.get(published=True, period_start__year=today.year)
    page = open_page()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    page.goto("/medborgarloften/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Citizen promises")
    texts = [promise.title, promise.text.splitlines()[0]]
    for commitment in Commitment.objects.filter(promise=promise):
        texts.append(commitment.title)
        texts += [a.title for a in commitment.activities.all()]
    texts += [
        u.text
        for u in ActivityUpdate.objects.filter(activity__commitment__promise=promise, public=True)
    ]
    wrong = {text: language_of_text(page, text) for text in texts}
    wrong = {text: lang for text, lang in wrong.items() if lang != "sv"}
    assert not wrong, f"read as another language than Swedish: {wrong}"
    # The words around them are the page's own.
    assert language_of_text(page, "Citizen promises") == "en"


def test_a_long_group_heading_wraps_at_400_percent_with_text_spacing(
    staff_page, make_staff, municipality, today, shot
):
    load_demo_followup(municipality=municipality, today=today)
    # A case handler edits the municipality's activities.
    update = ActivityUpdate.objects.filter(
        activity__responsible_party=Party.MUNICIPALITY
    ).first()
    page = staff_page(
        make_staff("samordnare", "case_handler"),
        path=f"/personal/uppfoljning/aktivitet/{update.activity_id}/framsteg/{update.pk}/underlag/",
    )
    expect(page.get_by_text("Ett grannsamverkansområde eller en enkät")).to_be_visible()
    page.set_viewport_size(REFLOW)
    with_text_spacing(page)
    shot(page, "followup-evidence-form-reflow")
    assert overflow(page) is None


def test_the_councils_pages_reflow_at_400_percent_with_text_spacing(
    staff_page, make_staff, municipality, today, shot
):
    load_demo_followup(municipality=municipality, today=today)
    load_demo_council(municipality=municipality, today=today)
    meeting = CouncilMeeting.objects.order_by("-date")[0]  # a preview with today's figures
    page = staff_page(make_staff("samordnare", "case_handler"))
    page.set_viewport_size(REFLOW)
    problems = []
    for path, tables in [
        ("/personal/uppfoljning/radet/", 1),
        ("/personal/uppfoljning/radet/mottagare/", 1),
        (f"/personal/uppfoljning/radet/mote/{meeting.pk}/", 0),
    ]:
        page.goto(path)
        expect(page.locator("main .table-scroll table")).to_have_count(tables)
        problems.append(overflow(page))
        with_text_spacing(page)
        problems.append(overflow(page))
    shot(page, "council-meeting-reflow")
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
