"""The result page groups rejected rows that fail alike, so a file whose rows fail for one
reason reads as one line with its count, not a list of hundreds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tryggve.analytics.models import IncidentImport
from tryggve.conftest import CENTRUM

URL = "/personal/lagesbild/import/"
LAT, LON = CENTRUM


def causes_of(*rejections: str, rejected: int | None = None):
    upload = IncidentImport(rejections=list(rejections), rejected=rejected or len(rejections))
    return [(c.reason, c.rows, c.examples) for c in upload.rejection_causes()]


def test_rows_failing_alike_are_one_cause_the_most_common_first():
    assert causes_of(
        "rad 2: tiden '5/3' går inte att tolka",
        "rad 3: platsen ligger utanför kommunen",
        "rad 4: tiden \"Lucia's dag\" går inte att tolka",
        "rad 5: platsen ligger utanför kommunen",
        "rad 6: tiden '' går inte att tolka",
        "rad 7: okänd typ 'Tjuvjakt': ingen brottsgrupp vald för den",
    ) == [
        ("tiden '…' går inte att tolka", 3, "rad 2, rad 4, rad 6"),
        ("platsen ligger utanför kommunen", 2, "rad 3, rad 5"),
    ]


def test_a_cause_names_its_first_five_rows():
    many = [f"rad {n}: typ saknas" for n in range(2, 30)]
    assert causes_of(*many) == [("typ saknas", 28, "rad 2, rad 3, rad 4, rad 5, rad 6 …")]


def test_no_cause_is_shown_for_reasons_nobody_shares():
    assert causes_of("rad 2: typ saknas", "rad 3: position saknas", "utan kolon") == []


@pytest.mark.django_db
def test_the_result_page_shows_the_causes_above_every_row(case_handler, municipality):
    # The good row first: a mapping none of the first rows would import with is refused.
    rows = [f"2026-11-20 23:15;Stöld;{LAT};{LON}", "2026-11-20 22:15;Stöld;59.33;18.07"]
    rows += [f"inte en tid {n};Stöld;{LAT};{LON}" for n in range(40)]
    data = ("Datum;Brottstyp;Latitud;Longitud\n" + "\n".join(rows) + "\n").encode()
    case_handler.post(URL, {"file": SimpleUploadedFile("h.csv", data, "text/csv")})
    created = IncidentImport.objects.get()
    fields = {
        "time": "Datum", "type": "Brottstyp", "lat": "Latitud", "lon": "Longitud",
        "types_column": "Brottstyp",
    }
    page = case_handler.post(f"{URL}{created.pk}/", fields, follow=True).content.decode()
    created.refresh_from_db()
    assert (created.imported, created.rejected) == (1, 41)
    table = page.split('id="causes-caption">', 1)[1].split("</table>", 1)[0]
    assert table.startswith("Orsaker som flera rader delar</caption>")
    assert (
        "<td>tiden &#x27;…&#x27; går inte att tolka; skriv till exempel 2026-03-04 22:15</td>"
        "<td>40</td><td>rad 4, rad 5, rad 6, rad 7, rad 8 …</td>"
    ) in table
    # The row outside is its own, in the list below with the others.
    assert "platsen ligger utanför kommunen" not in table
    assert "Varje avvisad rad och varför:" in page
    assert page.count("<li>rad ") == 41
