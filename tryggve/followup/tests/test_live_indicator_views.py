"""/personal/uppfoljning/indikatorer/live/: every live indicator with definition, source,
period, value, last year, baseline and target; the settings form for baseline and target."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tryggve.followup.models import IndicatorSetting
from tryggve.followup.services import (
    indicator_setting_save,
    manual_indicator_create,
    manual_indicator_entry_add,
)

pytestmark = pytest.mark.django_db
LIST = reverse("followup:live_indicators")
EDIT = reverse("followup:indicator_setting", args=["reports_received"])


def test_anonymous_and_roleless_are_kept_out(client, staff_without_role):
    assert client.get(LIST).status_code == 302
    assert staff_without_role.get(LIST).status_code == 403
    assert client.post(EDIT, {"baseline_year": "2025"}).status_code == 302
    assert not IndicatorSetting.objects.exists()


def test_council_reader_reads_but_cannot_set(council_reader, municipality):
    page = council_reader.get(LIST).content.decode()
    assert "Inkomna synpunkter" in page
    assert "Ändra basår och mål" not in page
    assert council_reader.post(EDIT, {"baseline_year": "2025"}).status_code == 403
    # Police officers edit activities but not the municipality's baselines.
    assert not IndicatorSetting.objects.exists()


def test_police_officer_may_not_set(police_officer, municipality):
    assert police_officer.post(EDIT, {"baseline_year": "2025"}).status_code == 403
    assert not IndicatorSetting.objects.exists()


def test_case_handler_sets_baseline_and_target(case_handler, municipality, make_report):
    response = case_handler.post(EDIT, {"baseline_year": "2025", "target": "40", "note": "Mål"})
    assert response.status_code == 302
    setting = IndicatorSetting.objects.get()
    assert (setting.municipality, setting.baseline_year, setting.target) == (
        municipality,
        2025,
        Decimal("40"),
    )
    assert setting.changed_by == case_handler.user
    page = case_handler.get(LIST).content.decode()
    assert "inget mål satt" in page  # the other indicators
    assert "(2025)" in page
    # Saving again updates the one row.
    case_handler.post(EDIT, {"baseline_year": "", "target": "", "note": ""})
    setting = IndicatorSetting.objects.get()
    assert setting.baseline_year is None and setting.target is None


@pytest.mark.parametrize(
    "data, field",
    [
        ({"baseline_year": "tjugo"}, "baseline_year"),
        ({"baseline_year": "1850"}, "baseline_year"),
        ({"target": "-3"}, "target"),
        ({"target": "abc"}, "target"),
        ({"note": "rad ett\nrad två"}, "note"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(case_handler, municipality, data, field):
    response = case_handler.post(EDIT, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not IndicatorSetting.objects.exists()


def test_unknown_indicator_is_a_404(case_handler, municipality):
    path = reverse("followup:indicator_setting", args=["finns_inte"])
    assert case_handler.get(path).status_code == 404


def test_another_municipalitys_setting_is_neither_shown_nor_changed(
    case_handler, municipality, other_municipality
):
    indicator_setting_save(
        municipality=other_municipality,
        code="reports_received",
        actor=None,
        roles={"administrator"},
        baseline_year=2019,
        note="Luleås anteckning",
    )
    page = case_handler.get(LIST).content.decode()
    assert "Luleås anteckning" not in page and "(2019)" not in page
    case_handler.post(EDIT, {"baseline_year": "2025"})
    assert IndicatorSetting.objects.get(municipality=other_municipality).baseline_year == 2019
    assert IndicatorSetting.objects.get(municipality=municipality).baseline_year == 2025


def test_manual_indicators_shown_with_their_entries(council_reader, municipality):
    indicator = manual_indicator_create(
        municipality=municipality, name="Lagade gatlampor", definition="Lagade."
    )
    import datetime

    manual_indicator_entry_add(
        indicator=indicator,
        date=datetime.date(2026, 3, 1),
        value=Decimal("4"),
        source="Gatukontoret",
        actor=None,
    )
    page = council_reader.get(LIST).content.decode()
    assert "Lagade gatlampor" in page and "Gatukontoret" in page


def test_queries_do_not_grow_with_manual_entries(
    council_reader, municipality, django_assert_max_num_queries
):
    import datetime

    council_reader.get(LIST)
    with django_assert_max_num_queries(40) as before:
        council_reader.get(LIST)
    for n in range(3):
        indicator = manual_indicator_create(
            municipality=municipality, name=f"Indikator {n}", definition="x"
        )
        for day in (1, 2):
            manual_indicator_entry_add(
                indicator=indicator,
                date=datetime.date(2026, 3, day),
                value=Decimal("1"),
                source="Källa",
                actor=None,
            )
        indicator_setting_save(
            municipality=municipality,
            code="reports_received",
            actor=None,
            roles={"administrator"},
            target=Decimal(n),
        )
    # Manual indicators add their two prefetch queries once, not per row.
    with django_assert_max_num_queries(len(before.captured_queries) + 2):
        council_reader.get(LIST)


def test_a_value_is_written_in_the_pages_language(case_handler, municipality):
    median = reverse("followup:indicator_setting", args=["reports_median_days"])
    assert case_handler.post(median, {"baseline_year": "", "target": "3.5"}).status_code == 302
    swedish = case_handler.get(LIST).content.decode()
    assert "3,5 dagar" in swedish
    case_handler.cookies["django_language"] = "en"
    english = case_handler.get(LIST).content.decode()
    assert '<html lang="en">' in english
    assert "3.5 days" in english and "3,5" not in english


# Each number traceable to its page, for the period it covers --------------------------------


def _section(page: str, code: str) -> str:
    start = page.index(f'id="indicator-{code}"')
    return page[start : page.index("</section>", start)]


def test_each_indicator_links_to_the_page_it_can_be_compared_on(case_handler, municipality):
    page = case_handler.get(LIST).content.decode()
    expected = {
        "reports_received": reverse("reports:staff_figures"),
        "watch_started": reverse("watch:staff_figures"),
        "presence_hours": reverse("analytics:presence"),
        "burglaries": reverse("analytics:overview"),
    }
    for code, url in expected.items():
        assert f'href="{url}"' in _section(page, code), code
    # The e-service's page counts every year: the page says so beside the link.
    assert "alla ärenden sedan starten" in _section(page, "reports_received")


def test_a_page_the_reader_may_not_open_is_named_without_a_link(council_reader, municipality):
    # Council readers see aggregates only: the presence log is the police's page.
    section = _section(council_reader.get(LIST).content.decode(), "presence_hours")
    assert "Synlighet och närvaro" in section
    assert f'href="{reverse("analytics:presence")}"' not in section


def test_the_period_is_written_with_its_last_day_and_a_survey_by_its_year(
    case_handler, municipality
):
    from django.utils import timezone
    from django.utils.formats import date_format

    today = timezone.localdate()
    page = case_handler.get(LIST).content.decode()
    received = _section(page, "reports_received")
    assert date_format(today, "j F Y") in received  # today is the period's last day
    assert "slutdagen ingår inte" not in received
    survey = _section(page, "survey_unsafe_evening")
    assert f"Enkäten {today.year}, jämförd med enkäten året före" in survey
    assert "Enkäten året före" in survey


def test_an_open_survey_year_says_why_it_has_no_figure_yet(case_handler, municipality):
    from django.utils import timezone

    from tryggve.surveys.services import survey_create_from_bank

    today = timezone.localdate()
    survey_create_from_bank(
        municipality=municipality,
        year=today.year,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
    )
    section = _section(case_handler.get(LIST).content.decode(), "survey_respondents")
    assert "Årets enkät är inte avslutad" in section
    # The link goes to last year's results, the last the public page has.
    assert f'href="{reverse("surveys:public_results")}?ar={today.year - 1}"' in section
