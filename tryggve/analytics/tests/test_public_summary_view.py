"""The public summary: counts per area, thin figures hidden, no positions at all."""

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format

from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup
from tryggve.lib.periods import shift_year

URL = "/lagesbild/"


def row(page: str, area: str) -> list[str]:
    """The cells of an area's row in the table."""
    match = re.search(rf'<th scope="row">{area}</th>(.*?)</tr>', page, re.S)
    assert match, f"no row for {area}"
    return re.findall(r"<td>(.*?)</td>", match.group(1), re.S)


def test_thin_counts_are_hidden(citizen, make_incident, area_points):
    recent = timezone.now() - timedelta(days=20)
    for n in range(5):
        make_incident(at=area_points["Centrum"], when=recent - timedelta(days=n))
    for n in range(2):
        make_incident(at=area_points["Tallbacka"], when=recent - timedelta(days=n))
    make_incident(at=area_points["Norrbyn"], when=recent, group=OffenceGroup.VANDALISM)
    for n in range(3):
        make_incident(
            at=area_points["Norrbyn"],
            when=recent - timedelta(days=n),
            group=OffenceGroup.RESIDENTIAL_BURGLARY,
        )
    # Older than twelve months, another group, or without a place: never counted.
    make_incident(at=area_points["Tallbacka"], when=timezone.now() - timedelta(days=400))
    make_incident(at=area_points["Tallbacka"], when=recent, group=OffenceGroup.THEFT)
    make_incident(at=None, when=recent)

    response = citizen.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert row(page, "Centrum") == ["5", "färre än 3"]
    assert row(page, "Tallbacka") == ["färre än 3", "färre än 3"]
    assert row(page, "Norrbyn") == ["3", "färre än 3"]
    assert row(page, "Moskosel") == ["färre än 3", "färre än 3"]
    assert "Syntetiska data" not in page


def test_no_positions_in_the_page(citizen, make_incident, area_points):
    for lat, lon in area_points.values():
        for n in range(3):
            make_incident(at=(lat, lon), when=timezone.now() - timedelta(days=n + 1))
    page = citizen.get(URL).content.decode()
    for lat, lon in area_points.values():
        assert f"{lat:.3f}" not in page and f"{lon:.3f}" not in page
    # Nothing that looks like a coordinate in Arvidsjaur (65° N, 19° E).
    assert not re.search(r"\b6[4-6][.,]\d{3}", page)
    assert not re.search(r"\b19[.,]\d{3}", page)
    assert "map-layers" not in page and "geojson" not in page.lower()


def test_the_minimum_follows_the_setting(citizen, make_incident, area_points, settings):
    settings.PUBLIC_MIN_COUNT = 5
    for n in range(4):
        make_incident(at=area_points["Centrum"], when=timezone.now() - timedelta(days=n + 1))
    page = citizen.get(URL).content.decode()
    assert row(page, "Centrum")[0] == "färre än 5"
    assert "färre än 5" in page


def test_synthetic_incidents_are_labelled(citizen, make_incident, area_points):
    make_incident(
        at=area_points["Centrum"], when=timezone.now() - timedelta(days=1), synthetic=True
    )
    page = citizen.get(URL).content.decode()
    assert "Syntetiska data:" in page
    assert "påhittade" in page


def test_the_page_says_which_twelve_months_it_counts(citizen, municipality):
    today = timezone.localdate()
    first = shift_year(today, -1) + timedelta(days=1)
    page = " ".join(citizen.get(URL).content.decode().split())
    period = f"{date_format(first, 'j F Y')}–{date_format(today, 'j F Y')}"
    assert f"Antal händelser de senaste tolv månaderna, {period}, som polisen" in page
    assert f"Händelser per bostadsområde, {period}</caption>" in page


def test_incidents_no_area_holds_have_a_row_of_their_own(citizen, make_incident, area_points):
    """The police's events name the municipality alone: with "färre än 3" in every area a
    reader would not learn of the burglaries the police published."""
    recent = timezone.now() - timedelta(days=10)
    feed = {
        "source": IncidentSource.POLICE_FEED,
        "occurred_at": recent,
        "municipality_code": "2505",
        "municipality_name": "Arvidsjaur",
        "offence_group": OffenceGroup.RESIDENTIAL_BURGLARY,
    }
    for n in range(3):
        Incident.objects.create(external_id=f"70{n}", **feed)
    # Not counted: one the municipality's file has too (counted there, in Centrum), another
    # municipality's, one of the county alone, one older than twelve months.
    record = make_incident(at=area_points["Centrum"], when=recent)
    Incident.objects.create(external_id="710", same_as=record, **feed)
    Incident.objects.create(
        external_id="711", **(feed | {"municipality_code": "2506", "municipality_name": "Arjeplog"})
    )
    Incident.objects.create(external_id="712", **(feed | {"municipality_code": ""}))
    Incident.objects.create(
        external_id="713", **(feed | {"occurred_at": timezone.now() - timedelta(days=400)})
    )
    for _ in range(2):
        make_incident(at=None, when=recent, group=OffenceGroup.VANDALISM)
    page = citizen.get(URL).content.decode()
    assert row(page, "Utan känt bostadsområde") == ["3", "färre än 3"]
    assert row(page, "Centrum") == ["färre än 3", "färre än 3"]
    assert "inte kan knytas till ett bostadsområde" in page
