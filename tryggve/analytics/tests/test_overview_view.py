"""The exposure overview and its CSV export: order, labels, messages, parameters, queries."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from tryggve.analytics.models import Incident, OffenceGroup
from tryggve.analytics.services import near_repeat_alerts_prepare
from tryggve.areas.models import ResidentialArea
from tryggve.lib.periods import shift_year

URL = "/personal/lagesbild/"
EXPORT = "/personal/lagesbild/utsatthet.csv"


@pytest.fixture
def year() -> int:
    """Last year: always a whole year in the past, whatever today's date is."""
    return timezone.localdate().year - 1


def moment(year: int, day: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, 3, 1, 14)) + timedelta(days=day)


@pytest.fixture
def history(make_incident, area_points, year):
    """Centrum clearly ahead, one burglary in each of four other areas, and last year's."""
    for day in range(10):
        make_incident(at=area_points["Centrum"], when=moment(year, day * 20))
    for name in ["Söderbyn", "Tallbacka", "Norrbyn", "Lappstaden"]:
        make_incident(at=area_points[name], when=moment(year, 40))
    for day in range(3):
        make_incident(at=area_points["Centrum"], when=moment(year - 1, day))
    # Another group and an imprecise burglary never count for an area.
    make_incident(at=area_points["Moskosel"], when=moment(year), group=OffenceGroup.THEFT)
    make_incident(at=None, when=moment(year))


def test_areas_are_ranked_by_smoothed_rate(council_reader, history, year):
    response = council_reader.get(URL, {"group": "residential_burglary", "year": year})
    assert response.status_code == 200
    ranked = response.context["ranked"]
    assert ranked[0].area.name == "Centrum"
    assert (ranked[0].rate.count, ranked[0].previous, ranked[0].change) == (10, 3, 7)
    rates = [r.rate.smoothed_rate for r in ranked]
    assert rates == sorted(rates, reverse=True)
    assert sum(r.rate.count for r in ranked) == 14
    assert response.context["outside"] == 1
    assert response.context["smoothing"].ranks
    page = response.content.decode()
    assert "För få händelser" not in page
    assert "Områdena skiljer sig inte mer än vad slumpen kan ge" not in page
    assert "Områden, mest utsatta först" in page
    assert "Utjämnad takt (90 % intervall)" in page
    assert "<strong>Utsatt</strong>" in page
    assert page.index("Centrum") < page.index("Söderbyn")
    assert "(+7)" in page


@pytest.fixture
def alike(make_incident, area_points, year):
    """One burglary in each of four areas: no more difference than chance gives."""
    for name in ["Tallbacka", "Centrum", "Söderbyn", "Norrbyn"]:
        make_incident(at=area_points[name], when=moment(year))


def test_areas_alike_are_not_ranked(council_reader, alike, year):
    response = council_reader.get(URL, {"group": "residential_burglary", "year": year})
    smoothing = response.context["smoothing"]
    assert smoothing.alike and not smoothing.too_few and not smoothing.ranks
    ranked = response.context["ranked"]
    names = [r.area.name for r in ranked]
    assert names == list(
        ResidentialArea.objects.filter(municipality__code="2505")
        .order_by("name")
        .values_list("name", flat=True)
    )
    assert all(r.rate.smoothed_rate is None and not r.rate.exposed for r in ranked)
    page = response.content.decode()
    assert "Områdena skiljer sig inte mer än vad slumpen kan ge – ingen rangordning." in page
    # The reason is how few the events are, not how small the differences: a raw rate of
    # 15,6 beside 0,0 is not small.
    assert "bygger på så få händelser att de lika gärna kan vara slump" in page
    assert "är så små att" not in page
    # The smoothing is not shown, so its method is not explained.
    assert "empirisk Bayes" not in page
    assert "90-procentigt" not in page
    assert "mest utsatta först" not in page
    assert "Områden i bokstavsordning (ingen rangordning)" in page
    assert "Utjämnad takt (90 % intervall)" not in page
    assert "Sannolikhet över kommunens takt" not in page
    assert "<strong>Utsatt</strong>" not in page
    assert "Inte säkert skild" not in page
    features = response.context["layers"]["areas"]["features"]
    assert {f["properties"]["class"] for f in features} == {1}
    assert not any(f["properties"]["exposed"] for f in features)


def test_the_export_of_areas_alike_has_no_ranking(case_handler, alike, year):
    response = case_handler.get(EXPORT, {"group": "residential_burglary", "year": year})
    rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff")), delimiter=";")
    )
    names = [row[0] for row in rows[1:]]
    assert names == list(
        ResidentialArea.objects.filter(municipality__code="2505")
        .order_by("name")
        .values_list("name", flat=True)
    )
    for row in rows[1:]:
        assert row[4] != ""  # the raw rate stays
        assert row[5:10] == ["", "", "", "", ""]


def synthetic_marks(page: str) -> dict[str, str]:
    """Each area's count as the ranking shows it, by area, its tags taken out."""
    rows = re.findall(r'<th scope="row">([^<]+)</th>.*?<td>(\d+(?: <span[^>]*>[^<]*</span>)?)</td>',
                      page, re.S)
    return {name: re.sub(r"<[^>]+>", "", count) for name, count in rows}


def test_synthetic_incidents_are_labelled(council_reader, make_incident, area_points, year):
    make_incident(at=area_points["Centrum"], when=moment(year))
    assert "Syntetiska data" not in council_reader.get(URL).content.decode()
    make_incident(at=area_points["Centrum"], when=moment(year, 1), synthetic=True)
    page = council_reader.get(URL, {"year": year}).content.decode()
    assert "Syntetiska data:" in page
    # One of the two is synthetic: the count is not marked as if both were.
    assert synthetic_marks(page)["Centrum"] == "2 (varav 1 syntetisk)"


def test_a_count_only_partly_synthetic_says_how_much(
    council_reader, make_incident, area_points, year
):
    """The probe's "9 (syntetiska)" for an area where 5 of 9 incidents were demo data."""
    for day in range(4):
        make_incident(at=area_points["Centrum"], when=moment(year, day))
    for day in range(5):
        make_incident(at=area_points["Centrum"], when=moment(year, 10 + day), synthetic=True)
    for day in range(3):
        make_incident(at=area_points["Söderbyn"], when=moment(year, day), synthetic=True)
    make_incident(at=area_points["Norrbyn"], when=moment(year, 1), synthetic=True)
    make_incident(at=area_points["Tallbacka"], when=moment(year, 1))
    marks = synthetic_marks(council_reader.get(URL, {"year": year}).content.decode())
    assert marks["Centrum"] == "9 (varav 5 syntetiska)"
    assert marks["Söderbyn"] == "3 (syntetiska)"
    assert marks["Norrbyn"] == "1 (syntetisk)"
    assert marks["Tallbacka"] == "1"


def test_too_few_incidents_say_so(case_handler, make_incident, area_points, year):
    make_incident(at=area_points["Centrum"], when=moment(year))
    response = case_handler.get(URL, {"year": year})
    assert response.context["smoothing"].too_few
    page = response.content.decode()
    assert "För få händelser för att skilja områdena åt" in page
    assert "empirisk Bayes" not in page


def test_the_export_is_a_spreadsheet_ready_csv(case_handler, history, year):
    response = case_handler.get(EXPORT, {"group": "residential_burglary", "year": year})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert f'filename="utsatthet-bostadsinbrott-{year}.csv"' in disposition
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Område", "Hushåll", "Antal"]
    assert rows[0][-1] == "Varav syntetiska"
    assert len(rows) == 1 + 12
    centrum = rows[1]
    assert centrum[:4] == ["Centrum", "320", "10", "3"]
    assert centrum[4] == "31,2"  # 10 per 320 households, with a decimal comma
    for value in centrum[4:9]:
        assert "." not in value and "," in value
    assert centrum[9] in {"ja", "nej"}
    assert centrum[10] == "0"


def test_an_area_name_cannot_run_as_a_formula_in_the_export(case_handler, history, year):
    from tryggve.areas.models import ResidentialArea

    ResidentialArea.objects.filter(name="Centrum").update(name='=HYPERLINK("http://x","y")')
    response = case_handler.get(EXPORT, {"group": "residential_burglary", "year": year})
    text = response.content.decode("utf-8").lstrip("\ufeff")
    names = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "1800"},
        {"year": "9" * 30},
        {"group": "mord"},
        {"group": ""},
        {"year": "", "group": ""},
        {"year": ["2025", "2024"]},
        {"group": "<script>alert(1)</script>"},
    ],
)
def test_bad_parameters_never_break_the_pages(police_officer, municipality, query):
    for path in (URL, EXPORT):
        response = police_officer.get(path, query)
        assert response.status_code == 200
    page = police_officer.get(URL, query).content.decode()
    assert "<script>alert(1)" not in page


def test_queries_do_not_grow_with_areas_or_incidents(
    police_officer, make_incident, area_points, year, municipality
):
    from tryggve.areas.models import ResidentialArea

    make_incident(at=area_points["Centrum"], when=moment(year))
    recent = make_incident(
        at=area_points["Centrum"], when=timezone.now() - timedelta(days=2), synthetic=True
    )
    near_repeat_alerts_prepare(incidents=[recent])
    police_officer.get(URL, {"year": year})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert police_officer.get(URL, {"year": year}).status_code == 200

    template = ResidentialArea.objects.get(name="Moskosel")
    for n in range(15):
        extra = ResidentialArea(
            municipality=municipality, name=f"Nytt område {n}", slug=f"nytt-{n}", households=50
        )
        extra.set_geometry(template.shape)
        extra.save()
    for point in area_points.values():
        for day in range(4):
            make_incident(at=point, when=moment(year, day))
            make_incident(at=point, when=moment(year - 1, day), synthetic=True)
            make_incident(at=point, when=timezone.now() - timedelta(days=day + 1))
    near_repeat_alerts_prepare(incidents=Incident.objects.all())
    with CaptureQueriesContext(connection) as many:
        response = police_officer.get(URL, {"year": year})
    assert len(response.context["ranked"]) == 27
    assert len(response.context["alerts"]) == 10
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
    with CaptureQueriesContext(connection) as export:
        police_officer.get(EXPORT, {"year": year})
    assert len(export) <= len(few)


@pytest.mark.parametrize("group", ["violence", "fire", "residential_burglary"])
def test_the_method_note_fits_every_group(
    council_reader, make_incident, area_points, group, year
):
    # Centrum clearly ahead, so that the areas are ranked and the method told.
    for day in range(10):
        make_incident(at=area_points["Centrum"], when=moment(year, day * 20), group=group)
    for name in ["Söderbyn", "Tallbacka", "Norrbyn", "Lappstaden"]:
        make_incident(at=area_points[name], when=moment(year, 40), group=group)
    response = council_reader.get(URL, {"group": group, "year": year})
    assert response.context["smoothing"].ranks
    page = response.content.decode()
    assert "en enda händelse i ett litet område ger en hög takt" in page
    assert "ett enda inbrott" not in page


def test_the_map_labels_use_a_decimal_comma_and_the_right_plural(council_reader, history, year):
    response = council_reader.get(URL, {"group": "residential_burglary", "year": year})
    labels = {
        f["properties"]["name"]: f["properties"]["label"]
        for f in response.context["layers"]["areas"]["features"]
    }
    assert re.fullmatch(r"\d+,\d per 1 000 hushåll \(10 händelser\)", labels["Centrum"])
    assert re.fullmatch(r"\d+,\d per 1 000 hushåll \(1 händelse\)", labels["Söderbyn"])


def test_the_map_labels_of_areas_alike_give_the_raw_rate(council_reader, alike, year):
    response = council_reader.get(URL, {"group": "residential_burglary", "year": year})
    labels = {
        f["properties"]["name"]: f["properties"]["label"]
        for f in response.context["layers"]["areas"]["features"]
    }
    centrum = ResidentialArea.objects.get(municipality__code="2505", name="Centrum")
    raw = f"{1000 / centrum.households:.1f}".replace(".", ",")
    assert labels["Centrum"] == f"{raw} per 1 000 hushåll, rå takt (1 händelse)"
    assert labels["Moskosel"].endswith("rå takt (0 händelser)")


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("case_handler", True),
        ("police_officer", True),
        ("administrator", True),
        ("council_reader", False),
    ],
)
def test_only_roles_that_see_single_incidents_get_the_alerts(
    request, make_incident, area_points, persona, sees
):
    from tryggve.accounts.roles import PAGE_PERMISSIONS

    assert (persona in PAGE_PERMISSIONS["analytics.incidents"]) is sees
    recent = make_incident(at=area_points["Centrum"], when=timezone.now() - timedelta(days=2))
    near_repeat_alerts_prepare(incidents=[recent])
    response = request.getfixturevalue(persona).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Förberedda larm om upprepade inbrott" in page) is sees
    assert ("i området" in page) is sees
    assert bool(response.context["alerts"]) is sees
    if sees:
        assert "”Ingen aktiv grupp” betyder att området inte har någon startad" in page


def test_years_start_at_the_first_stored_incident(case_handler, make_incident, area_points):
    this_year = timezone.localdate().year
    response = case_handler.get(URL)
    assert [y for y, _label in response.context["form"].fields["year"].choices] == [this_year]
    assert "Inga händelser är sparade ännu" in response.content.decode()

    make_incident(at=area_points["Centrum"], when=moment(this_year - 2))
    response = case_handler.get(URL, {"year": this_year - 2, "group": "violence"})
    choices = [y for y, _label in response.context["form"].fields["year"].choices]
    assert choices == [this_year, this_year - 1, this_year - 2]
    assert response.context["year"] == this_year - 2
    page = response.content.decode()
    assert f'<option value="{this_year - 3}"' not in page
    assert f"Åren går att välja från {this_year - 2}" in page
    # A year before the data is refused on its own: the group asked for stays.
    response = case_handler.get(URL, {"year": this_year - 5, "group": "violence"})
    assert (response.context["year"], response.context["group_label"]) == (this_year, "Våld")


def test_a_fall_is_shown_with_a_true_minus_sign(
    council_reader, history, make_incident, area_points, year
):
    for day in range(2):
        make_incident(at=area_points["Norrbyn"], when=moment(year - 1, day))
    page = council_reader.get(URL, {"year": year}).content.decode()
    assert "(\u22121)" in page  # Norrbyn: 1 against 2
    assert "(-1)" not in page
    assert "(+7)" in page


def test_the_rates_are_explained_in_plain_swedish(council_reader, history, year):
    page = council_reader.get(URL, {"year": year}).content.decode()
    assert "Rå takt: händelser per 1 000 hushåll, utan utjämning." in page
    assert "Metoden heter empirisk Bayes: hur hårt ett område dras mot kommunens nivå" in page


def test_the_map_labels_round_as_the_table_does(council_reader, alike, year):
    # The map cut the decimals off (1 in Söderbyn's 210 households: 4,7), the table
    # rounded them (4,8); the same figure must read the same in both.
    from decimal import ROUND_HALF_UP, Decimal

    response = council_reader.get(URL, {"group": "residential_burglary", "year": year})
    labels = {
        f["properties"]["name"]: f["properties"]["label"]
        for f in response.context["layers"]["areas"]["features"]
    }
    for name in ["Tallbacka", "Centrum", "Söderbyn", "Norrbyn"]:
        households = ResidentialArea.objects.get(municipality__code="2505", name=name).households
        rounded = Decimal(repr(1000 / households)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        shown = str(rounded).replace(".", ",")
        assert labels[name] == f"{shown} per 1 000 hushåll, rå takt (1 händelse)"
        assert f"<td>{shown}</td>" in response.content.decode()


def test_the_running_year_says_it_counts_to_today_against_the_same_period(
    police_officer, make_incident, area_points
):
    today = timezone.localdate()
    if (today.month, today.day) == (12, 31):
        pytest.skip("on 31 December the year counted to today is the whole year")
    make_incident(at=area_points["Centrum"], when=moment(today.year - 1))
    response = police_officer.get(URL, {"year": today.year})
    period = response.context["period"]
    assert period.end == today + timedelta(days=1)
    page = " ".join(response.content.decode().split())
    last = date_format(today, "j F Y")
    before = date_format(shift_year(today, -1), "j F Y")
    assert f"Året hittills: 1 januari–{last}." in page
    assert f"”Året före” räknar samma period ett år tidigare, 1 januari–{before}." in page


def test_a_year_gone_by_needs_no_period_sentence(police_officer, history, year):
    page = police_officer.get(URL, {"year": year}).content.decode()
    assert "Året hittills" not in page and 'id="ranking-period"' not in page


def test_the_export_names_the_comparison_it_makes(case_handler, history, year):
    response = case_handler.get(EXPORT, {"group": "residential_burglary", "year": year})
    header = response.content.decode("utf-8").lstrip("\ufeff").splitlines()[0].split(";")
    assert header[3] == "Antal samma period året före"


def test_an_area_called_exposed_on_a_single_incident_says_so(
    police_officer, make_incident, area_points, year
):
    for day in range(3):
        make_incident(at=area_points["Tallbacka"], when=moment(year, day * 30))
    response = police_officer.get(URL, {"group": "residential_burglary", "year": year})
    assert response.context["smoothing"].ranks
    page = " ".join(response.content.decode().split())
    assert (
        "<strong>Utsatt</strong><br>men osäkert: med en händelse färre vore området inte utsatt"
    ) in page
    assert page.count("men osäkert") == 1
