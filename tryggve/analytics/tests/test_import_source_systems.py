"""Two source systems of one municipality numbering their rows alike: named, both import;
unnamed, the second file's clashing rows are rejected by line, never silent duplicates."""

import re
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from tryggve.analytics.importers import (
    MAX_SYSTEM,
    ImportFormatError,
    IncidentData,
    namespaced_id,
    read_municipality_csv,
    source_system,
)
from tryggve.analytics.models import Incident, IncidentImport, IncidentSource, OffenceGroup
from tryggve.analytics.services import incidents_import
from tryggve.conftest import CENTRUM
from tryggve.lib import tenancy

LAT, LON = CENTRUM
HEADER = "id;time;type;lat;lon\n"
# The security company's log and the municipality's own reports, both numbered from 1.
GUARDS = HEADER + (
    f"1;2026-11-20 22:15;Skadegörelse;{LAT};{LON}\n"
    f"2;2026-11-21 01:40;Stöld;{LAT};{LON}\n"
    f"3;2026-11-21 03:10;Skadegörelse;{LAT};{LON}\n"
)
OWN = HEADER + (
    f"1;2026-10-02 08:00;Stöld;{LAT};{LON}\n"
    f"2;2026-10-03 09:30;Skadegörelse;{LAT};{LON}\n"
    f"3;2026-10-04 12:00;Stöld;{LAT};{LON}\n"
)


def run(municipality, content: str, system: str = "", batch_size: int = 1000):
    table = read_municipality_csv(content.encode(), None, municipality=municipality, system=system)
    with tenancy.serving(municipality.code):
        return incidents_import(incidents=table.rows(), batch_size=batch_size, all_or_nothing=True)


def counts(result) -> tuple[int, int, int]:
    return result.imported, result.duplicates, result.rejected


def test_same_ids_from_two_named_systems_both_import(municipality):
    assert counts(run(municipality, GUARDS, "Securitas")) == (3, 0, 0)
    assert counts(run(municipality, OWN, "Händelserapport")) == (3, 0, 0)
    assert Incident.objects.count() == 6
    ids = set(Incident.objects.values_list("external_id", flat=True))
    assert ids == {f"{s}:{n}" for s in ("securitas", "händelserapport") for n in (1, 2, 3)}


def test_without_a_system_the_clashing_rows_are_rejected_by_line(municipality):
    run(municipality, GUARDS)
    result = run(municipality, OWN)
    assert counts(result) == (0, 0, 3)
    assert result.errors[0] == (
        "rad 2: id 1 finns redan med en annan tid/typ – är filen från ett annat system? "
        "Ange källsystem."
    )
    assert result.errors[1].startswith("rad 3: id 2 finns redan med en annan tid/typ – ")
    assert result.faults["id"] == 3
    # Nothing was lost unseen: named, the second file imports beside the first.
    assert counts(run(municipality, OWN, "Händelserapport")) == (3, 0, 0)
    assert Incident.objects.count() == 6


@pytest.mark.parametrize("system", ["", "Securitas"])
def test_the_same_file_twice_is_all_duplicates(municipality, system):
    assert counts(run(municipality, GUARDS, system)) == (3, 0, 0)
    assert counts(run(municipality, GUARDS, system)) == (0, 3, 0)
    # The name's case is not the system's: "securitas" is the same one.
    assert counts(run(municipality, GUARDS, system.lower())) == (0, 3, 0)


def test_a_file_imported_before_systems_were_named_is_not_imported_twice(municipality):
    """An import without a system keeps its bare ids; the same file named later finds its
    rows there, and another system's rows with those numbers are its own."""
    run(municipality, GUARDS)
    assert counts(run(municipality, GUARDS, "Securitas")) == (0, 3, 0)
    assert counts(run(municipality, OWN, "Händelserapport")) == (3, 0, 0)
    assert counts(run(municipality, GUARDS)) == (0, 3, 0)
    assert sorted(Incident.objects.values_list("external_id", flat=True))[:3] == ["1", "2", "3"]


@pytest.mark.parametrize("clock", ["02:42", "02:42:00"])
def test_a_row_in_the_hour_the_clocks_go_back_is_the_same_row_again(municipality, clock):
    """02:42 on 26 October 2025 happens twice in Stockholm. Python never finds such a time
    equal to a stored (UTC) one, so the same file again rejected the row as "another time",
    and named under a system saved it a second time."""
    night = HEADER + f"21;2025-10-26 {clock};Stöld;{LAT};{LON}\n"
    assert counts(run(municipality, night)) == (1, 0, 0)
    assert counts(run(municipality, night)) == (0, 1, 0)
    assert counts(run(municipality, night, "Felanmälan")) == (0, 1, 0)
    assert Incident.objects.count() == 1


def test_rows_without_an_id_keep_being_known_by_their_contents(municipality):
    no_ids = "".join(line.split(";", 1)[1] + "\n" for line in GUARDS.splitlines())
    assert counts(run(municipality, no_ids)) == (3, 0, 0)
    assert counts(run(municipality, no_ids)) == (0, 3, 0)
    assert counts(run(municipality, no_ids, "Securitas")) == (0, 3, 0)


@pytest.mark.parametrize(
    ("row", "outcome"),
    [
        (f"1;2026-11-20 22:15;skadegörelse;{LAT};{LON}", (0, 1, 0)),  # case aside
        (f"1;2026-11-20 22:15;Skadegörelse;{LAT + 0.000005};{LON}", (0, 1, 0)),  # 0.6 m
        (f"1;2026-11-20 22:15;Skadegörelse;{LAT + 0.00005};{LON}", (0, 0, 1)),  # 5.6 m
        (f"1;2026-11-20 22:16;Skadegörelse;{LAT};{LON}", (0, 0, 1)),
        (f"1;2026-11-20 22:15;Stöld;{LAT};{LON}", (0, 0, 1)),
    ],
    ids=["type in other case", "under a metre", "five metres", "a minute later", "other type"],
)
def test_what_makes_a_known_id_another_incident(municipality, row, outcome):
    run(municipality, GUARDS)
    assert counts(run(municipality, HEADER + row + "\n")) == outcome


def test_another_place_is_named_in_the_message(municipality):
    run(municipality, GUARDS)
    result = run(municipality, HEADER + f"1;2026-11-20 22:15;Skadegörelse;{LAT + 0.001};{LON}\n")
    assert result.errors == [
        "rad 2: id 1 finns redan med en annan plats – är filen från ett annat system? "
        "Ange källsystem."
    ]


def test_a_named_system_s_known_id_with_other_contents_is_rejected_too(municipality):
    run(municipality, GUARDS, "Securitas")
    result = run(municipality, HEADER + f"2;2026-01-01 00:00;Stöld;{LAT};{LON}\n", "Securitas")
    assert counts(result) == (0, 0, 1)
    assert "id 2 finns redan från samma källsystem med en annan tid" in result.errors[0]


@pytest.mark.parametrize("batch_size", [2, 1000])
def test_one_id_twice_in_a_file_with_other_contents_names_the_first_line(municipality, batch_size):
    content = GUARDS + f"1;2026-11-22 10:00;Skadegörelse;{LAT};{LON}\n"
    result = run(municipality, content, batch_size=batch_size)
    assert counts(result) == (3, 0, 1)
    assert result.errors == ["rad 5: id 1 finns redan på rad 2 i filen med en annan tid"]


def test_rejections_found_when_saving_keep_the_file_s_order(municipality):
    run(municipality, GUARDS)
    content = OWN.replace("\n3;2026-10-04 12:00", "\n3;inte en tid")
    result = run(municipality, content, batch_size=2)
    assert [error.split(":")[0] for error in result.errors] == ["rad 2", "rad 3", "rad 4"]


def test_the_check_asks_once_per_batch_not_once_per_row(municipality):
    rows = "".join(f"{n};2026-11-20 22:15;Stöld;{LAT};{LON}\n" for n in range(1, 1201))
    run(municipality, HEADER + rows)
    other = rows.replace("22:15", "23:15")
    with CaptureQueriesContext(connection) as queries:
        result = run(municipality, HEADER + other, batch_size=500)
    assert counts(result) == (0, 0, 1200)
    reads = [q for q in queries if 'FROM "analytics_incident"' in q["sql"]]
    assert len(reads) <= 3  # one per batch of 500


def test_an_edited_police_event_fetched_again_is_still_a_duplicate(municipality):
    """The police edit their events: the feed's id fetched again is the same event."""
    event = IncidentData(
        source=IncidentSource.POLICE_FEED,
        external_id="650297",
        occurred_at=datetime(2026, 8, 1, 12, tzinfo=UTC),
        offence_group=OffenceGroup.THEFT,
        type_label="Stöld",
        municipality_code="2505",
    )
    incidents_import(incidents=[event])
    edited = replace(
        event, type_label="Stöld, försök", occurred_at=event.occurred_at.replace(hour=13)
    )
    assert counts(incidents_import(incidents=[edited])) == (0, 1, 0)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x" * (MAX_SYSTEM + 1), "högst 40 tecken (det har 41)"),
        ("Securitas:2", "bara innehålla bokstäver, siffror"),
        ("<b>Väktare</b>", "bara innehålla bokstäver, siffror"),
        ("-lead", "bara innehålla bokstäver, siffror"),
    ],
)
def test_a_source_system_s_name_is_short_and_plain(typed, message):
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        source_system(typed)


def test_a_source_system_s_name_is_tidied_and_keys_its_ids():
    assert source_system("  Kommunens   händelse-rapport 2.0 ") == "Kommunens händelse-rapport 2.0"
    assert source_system("") == ""
    assert namespaced_id("Securitas AB", "17") == "securitas ab:17"
    assert namespaced_id("", "17") == "17"


# A system's name written two ways, and ids that hold ":" ------------------------------------

DECOMPOSED = unicodedata.normalize("NFD", "Ärendesystem")  # "A" and a combining diaeresis


def test_a_name_typed_decomposed_is_the_name_typed_composed():
    assert DECOMPOSED != "Ärendesystem"
    assert source_system(f"  {DECOMPOSED}  ") == "Ärendesystem"
    assert namespaced_id(DECOMPOSED, "1") == namespaced_id("ärendesystem", "1")
    assert namespaced_id("Ärendesystem", "1") == "ärendesystem:1"


@pytest.mark.parametrize("again", ["Ärendesystem", "ÄRENDESYSTEM", " ärendesystem "])
def test_the_same_file_under_a_name_written_otherwise_adds_nothing(municipality, again):
    assert counts(run(municipality, GUARDS, source_system(DECOMPOSED))) == (3, 0, 0)
    assert counts(run(municipality, GUARDS, source_system(again))) == (0, 3, 0)
    assert Incident.objects.filter(external_id__startswith="ärendesystem:").count() == 3


# A log whose own ids look like "<system>:<number>", as a named system's ids are stored.
COLONS = HEADER + (
    f"securitas:1;2026-10-02 08:00;Stöld;{LAT};{LON}\n"
    f"K:2026:17;2026-11-21 01:40;Stöld;{LAT};{LON}\n"
)


def test_an_id_holding_a_colon_is_never_another_systems_id(municipality):
    # Without a system, the id "securitas:1" was stored as Securitas's id 1 is: the other
    # file's row 1 (another incident) was then rejected as "id 1 finns redan".
    assert counts(run(municipality, COLONS)) == (2, 0, 0)
    assert counts(run(municipality, GUARDS, "Securitas")) == (3, 0, 0)
    assert counts(run(municipality, COLONS)) == (0, 2, 0)
    assert counts(run(municipality, GUARDS, "Securitas")) == (0, 3, 0)
    ids = set(Incident.objects.values_list("external_id", flat=True))
    assert {":securitas:1", ":K:2026:17", "securitas:1"} <= ids
    # And the other way round.
    Incident.objects.all().delete()
    assert counts(run(municipality, GUARDS, "Securitas")) == (3, 0, 0)
    assert counts(run(municipality, COLONS)) == (2, 0, 0)


@given(
    system=st.from_regex(r"\A\w[\w .-]{0,20}\Z").filter(lambda s: s == source_system(s)),
    first=st.text(max_size=12),
    second=st.text(max_size=12),
)
@settings(max_examples=300)
def test_a_systems_ids_and_bare_ids_never_meet(system, first, second):
    assert namespaced_id(system, first) != namespaced_id("", second)
    assert namespaced_id("", first) != namespaced_id("", second) or first == second


def stored_as_before(external_id: str) -> None:
    """As an import without a system stored an id holding ":" before such ids were marked."""
    Incident.objects.filter(external_id=f":{external_id}").update(external_id=external_id)


def test_a_file_imported_before_ids_with_a_colon_were_marked_is_not_imported_twice(municipality):
    run(municipality, COLONS)
    stored_as_before("securitas:1"), stored_as_before("K:2026:17")
    assert counts(run(municipality, COLONS)) == (0, 2, 0)
    # Named later under a system, it is still those rows.
    assert counts(run(municipality, COLONS, "Väktarbolaget")) == (0, 2, 0)
    assert Incident.objects.count() == 2
    # "K:2026:17" can be no system's id ("K" is not as a system's ids are prefixed): it is
    # the row's own, and, as before, the id with other contents is rejected by line.
    result = run(municipality, HEADER + f"K:2026:17;2026-11-22 09:00;Stöld;{LAT};{LON}\n")
    assert counts(result) == (0, 0, 1)
    assert result.errors[0].startswith("rad 2: id K:2026:17 finns redan med en annan tid")


def test_an_id_stored_before_the_mark_that_may_be_a_systems_is_told_by_its_contents(
    municipality,
):
    # A stored "securitas:1" is the old file's row, or Securitas's id 1: the same time, type
    # and place make it the same incident, others another one (as for bare ids and systems).
    run(municipality, GUARDS, "Securitas")
    assert counts(run(municipality, COLONS)) == (2, 0, 0)
    Incident.objects.filter(external_id=":securitas:1").delete()
    run(municipality, HEADER + f"securitas:9;2026-10-05 08:00;Stöld;{LAT};{LON}\n")
    stored_as_before("securitas:9")
    same = run(municipality, HEADER + f"securitas:9;2026-10-05 08:00;Stöld;{LAT};{LON}\n")
    assert counts(same) == (0, 1, 0)
    assert counts(run(municipality, COLONS)) == (1, 1, 0)  # Securitas's id 1 is another
    assert Incident.objects.filter(external_id=":securitas:1").exists()


def test_an_upload_keeps_its_system_composed(case_handler, municipality):
    # The page sends what the browser had: decomposed, as some keyboards type it.
    case_handler.post(
        "/personal/lagesbild/import/",
        {"file": SimpleUploadedFile("h.csv", GUARDS.encode(), "text/csv")},
    )
    upload = IncidentImport.objects.get()
    fields = {"time": "time", "type": "type", "lat": "lat", "lon": "lon", "id": "id"}
    page = case_handler.post(
        f"/personal/lagesbild/import/{upload.pk}/",
        fields | {"types_column": "type", "system": DECOMPOSED},
        follow=True,
    )
    assert page.status_code == 200
    upload.refresh_from_db()
    assert (upload.system, upload.imported) == ("Ärendesystem", 3)
    assert Incident.objects.filter(external_id="ärendesystem:1").exists()
