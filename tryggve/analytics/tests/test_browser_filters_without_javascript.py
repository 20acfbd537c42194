"""The "Visa" forms of the situation picture's overview, time profiles, weekly suggestions
and police presence in real headless Chromium with JavaScript off. Each is a plain GET
form whose visible button sends it; what the page then shows (its heading, its table) is
checked against the choice, and against the stored incidents where it counts them. The risk
map's form has its own module (test_browser_riskmap_choices.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tryggve.analytics.models import Incident
from tryggve.analytics.ranking import year_bounds
from tryggve.analytics.services import presence_log
from tryggve.analytics.tests.test_browser_analytics import demo_history  # noqa: F401 (fixture)
from tryggve.analytics.tests.test_police_area_maps import arjeplog_burglaries
from tryggve.areas.models import ResidentialArea
from tryggve.browser_fixtures import blocking_violations

pytestmark = pytest.mark.browser

OVERVIEW = "/personal/lagesbild/"
TIMES = "/personal/lagesbild/tider/"
SUGGESTIONS = "/personal/lagesbild/forslag/"
PRESENCE = "/personal/lagesbild/narvaro/"


def show(page: Page) -> None:
    """Press the form's visible "Visa" button (the page's only one)."""
    button = page.get_by_role("button", name="Visa")
    expect(button).to_be_visible()
    button.click()


def column(table: Locator, header: str) -> list[str]:
    """The cells under `header` in `table`, top to bottom."""
    headers = table.locator("thead th").all_inner_texts()
    index = headers.index(header)
    return table.locator("tbody tr").locator(f":scope > :nth-child({index + 1})").all_inner_texts()


def test_the_overview_shows_the_group_and_year_chosen(
    staff_page, make_staff, demo_history, shot  # noqa: F811
):
    this_year = timezone.localdate().year
    page = staff_page(make_staff("polis", "police_officer"), javascript=False, path=OVERVIEW)
    # No map without a script, and no heading of one.
    expect(page.locator("[data-map-block]")).to_be_hidden()
    expect(page.get_by_role("heading", name=re.compile("^Karta"))).to_have_count(0)
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        f"Bostadsinbrott {this_year} per 1 000 hushåll"
    )
    # Named "Områden, mest utsatta först" or "Områden i bokstavsordning ...", as they rank.
    table = page.get_by_role("table", name=re.compile(r"^Områden"))
    burglaries = table.locator("tbody").inner_text()

    year = this_year - 1
    page.get_by_label("Brottsgrupp").select_option(label="Skadegörelse")
    page.get_by_label("År").select_option(str(year))
    show(page)
    expect(page).to_have_url(re.compile(rf"\?group=vandalism&year={year}$"))
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        f"Skadegörelse {year} per 1 000 hushåll"
    )
    expect(page.get_by_label("Brottsgrupp")).to_have_value("vandalism")
    expect(page.get_by_label("År")).to_have_value(str(year))
    areas = ResidentialArea.objects.filter(municipality__code="2505").count()
    expect(table.locator("tbody tr")).to_have_count(areas)
    assert table.locator("tbody").inner_text() != burglaries
    # The counts are that year's vandalism in the municipality's areas, every one of them.
    counts = [int(cell.split()[0]) for cell in column(table, "Antal")]
    start, end = year_bounds(year)
    stored = Incident.objects.counted().of_group("vandalism").between(start, end)
    assert sum(counts) == stored.filter(area__municipality__code="2505").count() > 0
    # The export link takes the choice along.
    export = page.get_by_role("link", name="Exportera tabellen (CSV)")
    expect(export).to_have_attribute("href", re.compile(rf"group=vandalism&year={year}$"))
    assert blocking_violations(page) == []
    shot(page, "analytics-overview-without-javascript")


def test_the_time_profiles_show_the_group_and_area_chosen(
    staff_page, make_staff, demo_history, shot  # noqa: F811
):
    page = staff_page(make_staff("polis", "police_officer"), javascript=False, path=TIMES)
    main = page.get_by_role("main")
    all_burglaries = Incident.objects.counted().of_group("residential_burglary").filter(
        municipality_code="2505"
    )
    expect(main).to_contain_text(f"{all_burglaries.count()} händelser (Bostadsinbrott), från ")

    centrum = ResidentialArea.objects.get(municipality__code="2505", name="Centrum")
    page.get_by_label("Brottsgrupp").select_option(label="Skadegörelse")
    page.get_by_label("Område").select_option(label="Centrum")
    show(page)
    expect(page).to_have_url(re.compile(rf"\?group=vandalism&area={centrum.pk}$"))
    expect(page.get_by_label("Brottsgrupp")).to_have_value("vandalism")
    expect(page.get_by_label("Område")).to_have_value(str(centrum.pk))
    vandalism = Incident.objects.counted().of_group("vandalism").in_area(centrum).count()
    assert vandalism > 0
    expect(main).to_contain_text(f"{vandalism} händelser (Skadegörelse), Centrum, från ")
    expect(main).not_to_contain_text("Bostadsinbrott)")
    # Whichever table the number allows, its last row's last cell is the choice's sum.
    total = main.get_by_role("table").first.locator("tr").last.locator("td").last
    expect(total).to_have_text(str(vandalism))
    assert blocking_violations(page) == []
    shot(page, "analytics-time-profiles-without-javascript")


@pytest.fixture
def arjeplog_officer(make_staff, arjeplog, municipality):
    """A police officer of the police area, who may choose Arjeplog beside Arvidsjaur."""
    police = make_staff("polis", "police_officer")
    municipality.members.add(police)
    return police


def test_the_suggestions_show_the_municipality_chosen(
    staff_page, arjeplog_officer, arjeplog, demo_history, shot  # noqa: F811
):
    # Recent burglaries in Arjeplog's areas: its suggestions have places of their own.
    arjeplog_burglaries(arjeplog)
    arjeplog_areas = ResidentialArea.objects.filter(municipality=arjeplog)
    page = staff_page(arjeplog_officer, javascript=False, path=SUGGESTIONS)
    week = timezone.localdate().isocalendar().week
    heading = page.get_by_role("heading", level=1)
    places = page.locator("ol.suggestions > li h2")
    expect(heading).to_have_text(f"Förslag för synlig närvaro, vecka {week}: Arvidsjaurs kommun")
    expect(places.first).to_be_visible()
    arvidsjaur = places.all_inner_texts()

    page.get_by_label("Kommun").select_option(label="Arjeplogs kommun")
    show(page)
    expect(page).to_have_url(re.compile(r"\?kommun=2506$"))
    expect(heading).to_have_text(f"Förslag för synlig närvaro, vecka {week}: Arjeplogs kommun")
    expect(page.get_by_label("Kommun")).to_have_value("2506")
    # Arjeplog's areas now, none of Arvidsjaur's.
    expect(places.first).to_be_visible()
    names = {area.name for area in arjeplog_areas} | {"Utanför bostadsområdena"}
    shown = places.all_inner_texts()
    assert shown != arvidsjaur
    assert all(place.split(",")[0] in names for place in shown), shown
    assert blocking_violations(page) == []
    shot(page, "analytics-suggestions-without-javascript")


def test_the_presence_shows_the_municipality_chosen(
    staff_page, arjeplog_officer, demo_history, shot  # noqa: F811
):
    # An hour logged in one of Arjeplog's areas, beside the demo's in Arvidsjaur's Centrum.
    area = ResidentialArea.objects.filter(municipality__code="2506").order_by("name").first()
    presence_log(
        officer=arjeplog_officer,
        started=timezone.now() - timedelta(days=2),
        minutes=60,
        kind="car",
        area=area,
        note="Rundtur i byn",
    )
    page = staff_page(arjeplog_officer, javascript=False, path=PRESENCE)
    heading = page.get_by_role("heading", level=1)
    hours = page.get_by_role("table", name="Polisens närvaro i timmar")
    expect(heading).to_have_text("Synlighet och närvaro: Arvidsjaurs kommun")
    expect(hours.get_by_role("rowheader")).to_have_text(["Centrum"])
    expect(page.locator(".report-list")).not_to_contain_text("Rundtur i byn")

    page.get_by_label("Kommun").select_option(label="Arjeplogs kommun")
    show(page)
    expect(page).to_have_url(re.compile(r"\?kommun=2506$"))
    expect(heading).to_have_text("Synlighet och närvaro: Arjeplogs kommun")
    expect(page.get_by_label("Kommun")).to_have_value("2506")
    expect(hours.get_by_role("rowheader")).to_have_text([area.name])
    expect(hours.locator("tbody tr td").first).to_have_text("1,0")
    expect(page.locator(".report-list li")).to_have_count(1)
    expect(page.locator(".report-list")).to_contain_text("Rundtur i byn")
    # Presence logged from here counts where the list shows.
    expect(page.get_by_role("main").locator("form[method=post]")).to_have_attribute(
        "action", re.compile(r"\?kommun=2506$")
    )
    assert blocking_violations(page) == []
    shot(page, "analytics-presence-without-javascript")
