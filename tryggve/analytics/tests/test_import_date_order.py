"""Dates of numbers only ("05/03/2026") are read in the order the person importing names:
5 March in Sweden, 3 May in an American export. Without an order they are refused with
what to choose, and the upload page guesses the order only when the dates prove it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from tryggve.analytics.importers import CsvMapping, ImportFormatError, Rejection, read_csv
from tryggve.analytics.models import Incident, IncidentImport
from tryggve.conftest import CENTRUM
from tryggve.lib.parsing import (
    DAY_FIRST,
    MONTH_FIRST,
    guess_date_order,
    in_date_order,
    parse_datetime,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LAT, LON = CENTRUM
URL = "/personal/lagesbild/import/"
COLUMNS = {"time": "Datum", "type": "Typ", "lat": "Lat", "lon": "Lon"}


def rows(*times: str) -> bytes:
    lines = ["Datum;Typ;Lat;Lon"] + [f"{t};Skadegörelse;{LAT};{LON}" for t in times]
    return ("\n".join(lines) + "\n").encode()


def parsed(data: bytes, order: str | None = None) -> list:
    mapping = COLUMNS | ({"date_order": order} if order else {})
    return list(read_csv(data, CsvMapping.from_json(mapping)).rows())


def local(row) -> str:
    return row.occurred_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "order", "iso"),
    [
        ("05/03/2026 14:30", DAY_FIRST, "2026-03-05 14:30"),
        ("05/03/2026 14:30", MONTH_FIRST, "2026-05-03 14:30"),
        ("5.3.2026 kl. 14.30", DAY_FIRST, "2026-03-05 kl. 14.30"),
        ("5-3-2026", DAY_FIRST, "2026-03-05"),
        # Forms that cannot be misread are left as they are, whatever the order.
        ("2026-03-05 14:30", DAY_FIRST, "2026-03-05 14:30"),
        ("5 mars 2026", MONTH_FIRST, "5 mars 2026"),
        # Without an order nothing is rewritten.
        ("05/03/2026", None, "05/03/2026"),
        # A two-digit year is not guessed at.
        ("05/03/26", DAY_FIRST, "05/03/26"),
    ],
)
def test_in_date_order(text, order, iso):
    assert in_date_order(text, order) == iso


@given(st.dates(min_value=datetime(1990, 1, 1).date(), max_value=datetime(2099, 12, 31).date()))
def test_either_order_reads_back_the_date_it_was_written_from(day):
    for order, written in (
        (DAY_FIRST, f"{day.day}/{day.month:02d}/{day.year}"),
        (MONTH_FIRST, f"{day.month}/{day.day}/{day.year}"),
    ):
        assert parse_datetime(in_date_order(written, order)).date() == day


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["05/03/2026", "25/03/2026"], DAY_FIRST),
        (["03/05/2026", "03/25/2026"], MONTH_FIRST),
        (["05/03/2026", "04/03/2026"], ""),  # every number 12 or less: unproven
        (["25/03/2026", "03/25/2026"], ""),  # both: no one order
        (["2026-03-25", "Summa"], ""),
        ([], ""),
    ],
)
def test_the_order_is_guessed_only_when_the_dates_prove_it(values, order):
    assert guess_date_order(values) == order


def test_a_file_of_day_first_dates_is_read_as_the_order_chosen():
    data = rows("05/03/2026 14:30", "25.10.2026 02:30")
    day_first = parsed(data, DAY_FIRST)
    assert [local(r) for r in day_first] == ["2026-03-05 14:30", "2026-10-25 02:30"]
    # The same file as an American export: 3 May, and no 25th month.
    month_first = parsed(data, MONTH_FIRST)
    assert local(month_first[0]) == "2026-05-03 14:30"
    assert month_first[1].reason == (
        "tiden '25.10.2026 02:30' är inget datum i ordningen månad/dag/år"
    )


def test_without_an_order_such_a_date_is_refused_with_what_to_choose():
    (refused,) = parsed(rows("05/03/2026 14:30"))
    assert isinstance(refused, Rejection) and refused.fault == "date_order"
    assert refused.reason == (
        "tiden '05/03/2026 14:30' kan vara dag/månad/år eller månad/dag/år; välj "
        "datumordning"
    )


@pytest.mark.parametrize("order", ["ymd", 1, ["dmy"]])
def test_an_unknown_order_in_a_mapping_file_is_refused_in_words(order):
    with pytest.raises(ImportFormatError, match='date_order ska vara "dmy"'):
        CsvMapping.from_json(COLUMNS | {"date_order": order})


def upload(client, data: bytes) -> IncidentImport:
    client.post(URL, {"file": SimpleUploadedFile("skola.csv", data, "text/csv")})
    return IncidentImport.objects.latest("pk")


def chosen_order(page: str) -> str:
    select = page.split('name="date_order"', 1)[1].split("</select>", 1)[0]
    return select.split(" selected>", 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]


def send(client, upload: IncidentImport, **fields):
    data = {"time": "Datum", "type": "Typ", "lat": "Lat", "lon": "Lon", "types_column": "Typ"}
    return client.post(f"{URL}{upload.pk}/", data | fields, follow=True)


@pytest.mark.django_db
def test_the_upload_page_proposes_the_order_the_dates_prove_and_imports_by_it(
    case_handler, municipality
):
    created = upload(case_handler, rows("05/03/2026 14:30", "25/03/2026 08:00"))
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert chosen_order(page) == DAY_FIRST
    assert "Datumordning" in page
    send(case_handler, created, date_order=DAY_FIRST)
    created.refresh_from_db()
    assert (created.status, created.imported, created.rejected) == ("done", 2, 0)
    assert created.mapping["date_order"] == DAY_FIRST
    assert sorted(local(i) for i in Incident.objects.all()) == [
        "2026-03-05 14:30",
        "2026-03-25 08:00",
    ]


@pytest.mark.django_db
def test_unproven_dates_are_tried_with_what_to_choose_and_import_once_chosen(
    case_handler, municipality
):
    created = upload(case_handler, rows("05/03/2026 14:30", "04/03/2026 08:00"))
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert chosen_order(page) == ""
    assert page.count("kan vara dag/månad/år eller månad/dag/år") == 2
    # Sent without an order: refused beside the order's select, nothing imported.
    response = send(case_handler, created)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["date_order"]
    # One sentence for the file, not one per row.
    assert errors["date_order"] == [
        "Datumen i filen har bara siffror och kan läsas både som dag/månad/år och som "
        "månad/dag/år. Välj datumordning."
    ]
    assert not Incident.objects.exists()
    # Tried with the order chosen: the trial reads the dates by it, and nothing is imported.
    answer = send(case_handler, created, date_order=MONTH_FIRST, **{"try": "1"})
    assert answer.status_code == 200
    assert answer.content.decode().count("Importeras i gruppen Skadegörelse") == 2
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED and not Incident.objects.exists()
    assert chosen_order(answer.content.decode()) == MONTH_FIRST
    send(case_handler, created, date_order=MONTH_FIRST)
    assert sorted(local(i) for i in Incident.objects.all()) == [
        "2026-04-03 08:00",
        "2026-05-03 14:30",
    ]


def test_a_row_only_the_other_order_reads_refuses_the_order_for_the_whole_file():
    # 13/03 is no month-first date: the file is day first, so 05/03 would be read wrong.
    data = rows("05/03/2026 14:30", "03/05/2026 09:00", "13/03/2026 10:00")
    table = read_csv(data, CsvMapping.from_json(COLUMNS | {"date_order": MONTH_FIRST}))
    assert table.order_contradicted() == (
        "Rad 4 har tiden '13/03/2026 10:00', som bara kan läsas som dag/månad/år, men "
        "datumordningen är månad/dag/år. Filens andra datum skulle då läsas fel: välj "
        "dag/månad/år."
    )
    right = read_csv(data, CsvMapping.from_json(COLUMNS | {"date_order": DAY_FIRST}))
    assert right.order_contradicted() == ""


@pytest.mark.django_db
def test_the_upload_refuses_an_order_a_later_row_contradicts(case_handler, municipality):
    created = upload(case_handler, rows("05/03/2026 14:30", *["04/03/2026 08:00"] * 30,
                                        "13/03/2026 10:00"))
    response = send(case_handler, created, date_order=MONTH_FIRST)
    assert response.status_code == 400
    assert "Rad 33 har tiden '13/03/2026 10:00'" in response.context["form"].errors[
        "date_order"
    ][0]
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED and not Incident.objects.exists()


@pytest.mark.django_db
def test_a_forged_choice_is_refused_without_being_repeated(case_handler, municipality):
    created = upload(case_handler, rows("05/03/2026 14:30"))
    response = send(case_handler, created, date_order="x" * 100_000, time="y" * 100_000)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["date_order"] == errors["time"] == ["Välj ett av alternativen i listan."]
    assert "x" * 100 not in response.content.decode()
