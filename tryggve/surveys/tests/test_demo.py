"""The demo's surveys: two earlier years imported (50 and 188) and this year's open."""

from __future__ import annotations

from tryggve.surveys.demo import load_demo_surveys
from tryggve.surveys.figures import unsafe_places, unsafe_share
from tryggve.surveys.maps import place_map
from tryggve.surveys.models import Survey


def test_demo_surveys_are_seeded_once_and_labelled(municipality, today, citizen):
    load_demo_surveys(municipality=municipality, today=today)
    first, second, current = Survey.objects.order_by("year")
    assert (first.year, second.year, current.year) == (today.year - 2, today.year - 1, today.year)
    assert first.respondent_count() == 50 and second.respondent_count() == 188
    assert current.is_open(today) and current.responses.exists()
    assert all(s.is_demo for s in (first, second, current))
    assert not current.responses.filter(is_demo=False).exists()
    shares = unsafe_share(municipality_code="2505")
    assert [round(s.share * 100) for s in shares[:2]] == [18, 24]
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert "påhittade exempel" in page
    assert "Andelen otrygga ökade från 18 % till 24 %; skillnaden kan bero på slumpen." in page
    assert "påhittade exempel" in citizen.get("/trygghetsenkat/").content.decode()
    assert load_demo_surveys(municipality=municipality, today=today) == "surveys already present"
    assert Survey.objects.count() == 3


def test_demo_places_cluster_so_the_public_map_has_cells(municipality, today, citizen):
    load_demo_surveys(municipality=municipality, today=today)
    last = Survey.objects.get(year=today.year - 1)
    public = place_map(municipality_id=municipality.pk, years=[last.year], public=True)
    assert len(public.cells) >= 3 and public.is_demo
    assert all(c.respondents >= 5 for c in public.cells)
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert "Rutor med minst 5 svarande" in page
    assert unsafe_places(municipality_code="2505").places > public.places
