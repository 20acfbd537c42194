"""The demo's free texts bring out the promise's three wishes as the top themes."""

from __future__ import annotations

from tryggve.surveys.demo import load_demo_surveys
from tryggve.surveys.figures import theme_counts
from tryggve.surveys.models import Survey
from tryggve.surveys.results import theme_table

WISHES = {"polisnarvaro", "grannsamverkan", "belysning", "vegetation"}


def test_the_three_wishes_come_out_of_the_demos_free_texts(municipality, today, citizen):
    load_demo_surveys(municipality=municipality, today=today)
    last_year = Survey.objects.get(year=today.year - 1)
    table = theme_table(last_year)
    ranked = [row["code"] for row in table["rows"]]
    # Visible police, neighbourhood watch, and lighting and vegetation: the four top themes
    # (the reasons given for places marked on the map count too).
    assert set(ranked[:4]) == WISHES, ranked
    assert table["n"] > 50
    # The same from the figure the follow-up reads, for the finished year with answers
    # (this year's survey is open: other apps get it once it has closed).
    years = theme_counts(municipality_code="2505")
    assert [y.year for y in years] == [today.year - 1]
    for year in years:
        assert year.is_demo
        top = sorted(
            (c for c in year.counts if c != "ovrigt"),
            key=lambda c: -(year.counts[c] or 0),
        )
        assert set(top[:3]) <= WISHES, year
    # Publicly only counts: the demo's phone number and its texts stay with staff.
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert "Vad fritextsvaren handlar om" in page and "070-123" not in page
    assert "Gatubelysningen" not in page
