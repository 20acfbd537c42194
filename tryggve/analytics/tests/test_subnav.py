"""The situation picture's sub-menu shows only the pages the user's roles open."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

def _subnav_links(client: Client) -> list[str]:
    page = client.get("/personal/lagesbild/")
    assert page.status_code == 200
    nav = re.search(r'<nav class="subnav".*?</nav>', page.content.decode(), re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize(
    "persona", ["case_handler", "police_officer", "council_reader", "administrator"]
)
def test_every_link_in_the_sub_menu_opens(request, persona, municipality):
    client = request.getfixturevalue(persona)
    links = _subnav_links(client)
    assert links
    for url in links:
        assert client.get(url).status_code == 200, (persona, url)


def test_the_council_reader_sees_only_the_reading_pages(council_reader, municipality):
    assert _subnav_links(council_reader) == [
        reverse("analytics:overview"),
        reverse("analytics:time_profiles"),
    ]


def test_the_police_do_not_see_the_municipality_s_observations(police_officer, municipality):
    links = _subnav_links(police_officer)
    assert reverse("analytics:observation") not in links
    # Overview, risk map, suggestions, times, presence, and importing incident files.
    assert len(links) == 6
    assert reverse("analytics:import") in links


def test_every_page_of_an_import_marks_importera_as_the_current_page(case_handler, municipality):
    """The upload, its columns and result, and the page that asks before undoing it are all
    "Importera": a screen reader hears where in the sub-menu the user is on each."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tryggve.analytics.models import IncidentImport
    from tryggve.conftest import CENTRUM

    row = f"2026-11-20 22:15;Inbrott;{CENTRUM[0]};{CENTRUM[1]}\n"
    content = ("Datum;Brottstyp;Latitud;Longitud\n" + row).encode()
    case_handler.post(
        reverse("analytics:import"), {"file": SimpleUploadedFile("h.csv", content, "text/csv")}
    )
    upload = IncidentImport.objects.latest("pk")
    for url in (
        reverse("analytics:import"),
        reverse("analytics:import_detail", args=[upload.pk]),
        reverse("analytics:import_undo", args=[upload.pk]),
    ):
        page = case_handler.get(url).content.decode()
        nav = re.search(r'<nav class="subnav".*?</nav>', page, re.S).group(0)
        assert re.findall(r'aria-current="page">([^<]+)<', nav) == ["Importera"], url
