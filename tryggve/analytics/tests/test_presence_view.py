"""The presence page: logging presence, refusals next to their field, hours per month."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tryggve.analytics.models import PolicePresence
from tryggve.analytics.services import presence_log
from tryggve.analytics.views import _presence_hours
from tryggve.areas.models import ResidentialArea

URL = "/personal/lagesbild/narvaro/"


def an_hour_ago() -> str:
    return timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def valid(**changes) -> dict:
    return {
        "started": an_hour_ago(),
        "minutes": "45",
        "kind": "car",
        "area": "",
        "lat": "65.5900",
        "lon": "19.1800",
        "note": "Rundor kring skolan",
    } | changes


def test_police_log_presence_at_a_point(police_officer, municipality):
    response = police_officer.post(URL, valid(), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Närvaron är sparad." in response.content.decode()
    presence = PolicePresence.objects.get()
    assert (presence.minutes, presence.kind, presence.area.name) == (45, "car", "Centrum")
    assert presence.officer == police_officer.user
    assert "Rundor kring skolan" in response.content.decode()


def test_a_refused_coordinate_keeps_what_was_typed(police_officer, municipality):
    response = police_officer.post(URL, valid(lat="7280600", lon="19,18"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="7280600"' in page and 'value="19,18"' in page
    # Only the message about the field at fault, not also "give both or neither".
    assert response.context["form"].errors.keys() == {"lat"}


def test_a_sweref_pair_and_a_decimal_comma_are_taken(police_officer, municipality):
    from tryggve.lib.geo import to_sweref

    easting, northing = to_sweref(19.18, 65.59)
    response = police_officer.post(URL, valid(lat=f"{northing:.0f}", lon=f"{easting:.0f}"))
    assert response.status_code == 302
    presence = PolicePresence.objects.get()
    assert presence.lat == pytest.approx(65.59, abs=1e-4)
    assert presence.lon == pytest.approx(19.18, abs=1e-4)
    response = police_officer.post(URL, valid(lat="65,5900", lon="19,1800"))
    assert response.status_code == 302
    assert PolicePresence.objects.filter(lat=65.59, lon=19.18).exists()


def test_police_log_presence_in_an_area(police_officer, municipality):
    area = ResidentialArea.objects.get(name="Tallbacka")
    response = police_officer.post(URL, valid(area=str(area.pk), lat="", lon=""))
    assert response.status_code == 302
    assert PolicePresence.objects.get().area == area


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"lat": "", "lon": ""}, "area", "Välj ett område eller ange en plats."),
        ({"lon": ""}, "lat", "Ange både latitud och longitud, eller ingen av dem."),
        ({"minutes": "0"}, "minutes", "Minst 1 minut."),
        ({"minutes": "2000"}, "minutes", "Högst 1 440 minuter (ett dygn)."),
        ({"minutes": "en timme"}, "minutes", "Ange ett heltal."),
        ({"started": "igår kväll"}, "started", "Skriv tiden som 2026-11-26 18:30."),
        ({"started": "2026-13-45T25:99"}, "started", "Skriv tiden som 2026-11-26 18:30."),
        ({"started": ""}, "started", "Ange när ni började."),
        ({"kind": ""}, "kind", "Välj hur ni var på plats."),
        ({"kind": "ubåt"}, "kind", "Välj ett giltigt alternativ"),
        (
            {"started": f"{timezone.localdate().year + 1}-01-01T12:00"},
            "started",
            "Tidpunkten ligger i framtiden.",
        ),
        ({"lat": "91", "lon": "19"}, "lat", "Latitud anges i decimalgrader mellan -90 och 90"),
        # A SWEREF 99 TM northing pasted into the latitude: said so, not "at most 90".
        (
            {"lat": "7280600", "lon": "19,18"},
            "lat",
            "Latitud anges i decimalgrader, till exempel 65,59. Ser ut som en SWEREF 99 "
            "TM-koordinat (N). Skriv antingen båda i decimalgrader, eller båda i SWEREF 99 "
            "TM: N i Latitud och E i Longitud.",
        ),
        (
            {"lat": "65,59", "lon": "700000"},
            "lon",
            "Longitud anges i decimalgrader, till exempel 19,18. Ser ut som en SWEREF 99 "
            "TM-koordinat (E). Skriv antingen båda i decimalgrader, eller båda i SWEREF 99 "
            "TM: N i Latitud och E i Longitud.",
        ),
        ({"lat": "norr", "lon": "19"}, "lat", "Ange latituden som ett tal i decimalgrader"),
    ],
)
def test_refusals_are_shown_next_to_their_field(
    police_officer, municipality, changes, field, message
):
    response = police_officer.post(URL, valid(**changes))
    assert response.status_code == 400
    assert not PolicePresence.objects.exists()
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert 'id="error-summary"' in page
    assert message in page


def test_hours_per_area_and_month(police_officer, municipality):
    officer = police_officer.user
    year = timezone.localdate().year - 1
    centrum = ResidentialArea.objects.get(name="Centrum")
    tz = timezone.get_current_timezone()
    for month, minutes in [(1, 90), (1, 30), (3, 45), (12, 60)]:
        presence_log(
            officer=officer,
            started=datetime(year, month, 10, 20, tzinfo=tz),
            minutes=minutes,
            kind="foot",
            area=centrum,
        )
    # 31 December 23:30 local time is still December, though it is 22:30 UTC.
    presence_log(
        officer=officer,
        started=datetime(year, 12, 31, 23, 30, tzinfo=tz),
        minutes=30,
        kind="car",
        lat=59.3293,
        lon=18.0686,
    )
    presence_log(
        officer=officer,
        started=datetime(year + 1, 1, 1, 0, 30, tzinfo=tz),
        minutes=600,
        kind="car",
        area=centrum,
    )
    hours = _presence_hours(PolicePresence.objects.all(), year)
    assert hours == [
        ("Centrum", [2.0, 0, 0.8, 0, 0, 0, 0, 0, 0, 0, 0, 1.0], 3.8),
        ("Utanför bostadsområden", [0] * 11 + [0.5], 0.5),
    ]


def test_the_page_shows_this_years_hours(case_handler, police_officer, municipality):
    centrum = ResidentialArea.objects.get(name="Centrum")
    presence_log(
        officer=police_officer.user,
        started=timezone.now() - timedelta(seconds=30),
        minutes=90,
        kind="foot",
        area=centrum,
    )
    response = case_handler.get(URL)
    assert response.status_code == 200
    name, months, total = response.context["hours"][0]
    assert (name, total) == ("Centrum", 1.5)
    assert months[timezone.localdate().month - 1] == 1.5
    assert '<th scope="row">Centrum</th>' in response.content.decode()


def test_a_date_in_year_one_is_a_form_error_not_a_500(police_officer, municipality):
    response = police_officer.post(URL, valid(started="0001-01-01T00:30"))
    assert response.status_code == 400
    assert "Ange ett datum mellan år 2000" in response.content.decode()
    assert not PolicePresence.objects.exists()
