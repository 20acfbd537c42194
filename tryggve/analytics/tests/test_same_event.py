"""One event, two records: a police feed event that a file's row or a staff observation
records too is linked to it (`Incident.same_as`) and counted once, whichever came first;
undoing the upload counts the feed event again."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from tryggve.analytics.figures import burglary_figures
from tryggve.analytics.importers import IncidentData
from tryggve.analytics.models import Incident, IncidentImport, IncidentSource, OffenceGroup
from tryggve.analytics.selectors import incidents_here
from tryggve.analytics.services import (
    _matching,
    incident_import_undo,
    incident_record_observation,
    incidents_import,
    incidents_link_same,
)
from tryggve.conftest import ARJEPLOG, CENTRUM

STOCKHOLM = ZoneInfo("Europe/Stockholm")
EVENING = datetime(2026, 11, 20, 22, 15, tzinfo=STOCKHOLM)
FEED, CSV = IncidentSource.POLICE_FEED, IncidentSource.CSV
BURGLARY = OffenceGroup.RESIDENTIAL_BURGLARY


def item(external_id: str, source=CSV, when=EVENING, group=BURGLARY, **fields) -> IncidentData:
    place = {
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
        "precise": source != FEED,
        "municipality_code": "2505",
        "municipality_name": "Arvidsjaur",
    }
    return IncidentData(
        source=source,
        external_id=external_id,
        occurred_at=when,
        offence_group=group,
        **(place | fields),
    )


def counted() -> int:
    return incidents_here().of_group(BURGLARY).count()


def linked() -> dict[str, str]:
    rows = Incident.objects.filter(same_as__isnull=False)
    return dict(rows.values_list("external_id", "same_as__external_id"))


@pytest.mark.django_db
@pytest.mark.parametrize("feed_first", [True, False])
def test_the_same_burglary_from_the_feed_and_a_file_counts_once(municipality, feed_first):
    feed = [item("650297", FEED, when=EVENING + timedelta(hours=1, minutes=20))]
    file = [item("K-1")]
    for batch in (feed, file) if feed_first else (file, feed):
        incidents_import(incidents=batch)
    assert Incident.objects.count() == 2
    assert linked() == {"650297": "K-1"}
    assert counted() == 1
    year = burglary_figures(
        municipality_code="2505", start=date(2026, 1, 1), end=date(2027, 1, 1)
    )
    assert year.count == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "record",
    [
        item("K-1", when=EVENING + timedelta(hours=3, minutes=1)),  # too far apart
        item("K-1", group=OffenceGroup.VANDALISM),  # another group
        item(
            "K-1",
            lat=ARJEPLOG[0],
            lon=ARJEPLOG[1],
            municipality_code="2506",
            municipality_name="Arjeplog",
        ),
    ],
    ids=["hours apart", "other group", "other municipality"],
)
def test_different_events_are_not_linked(municipality, arjeplog, record):
    incidents_import(incidents=[item("650297", FEED)])
    incidents_import(incidents=[record])
    assert Incident.objects.count() == 2
    assert linked() == {}


@pytest.mark.django_db
def test_other_events_are_never_linked(municipality):
    """"Övrigt" holds everything from a lost wallet to a fight: one of them is no evidence
    of the other."""
    other = OffenceGroup.OTHER
    incidents_import(incidents=[item("650297", FEED, group=other), item("K-1", group=other)])
    assert linked() == {}


@pytest.mark.django_db
def test_demo_data_is_linked_with_demo_data_only(municipality):
    incidents_import(incidents=[item("650297", FEED)])
    incidents_import(incidents=[item("K-1")], synthetic=True)
    assert linked() == {}


@pytest.mark.django_db
def test_a_record_with_its_date_alone_matches_on_the_date(municipality):
    noon = EVENING.replace(hour=12, minute=0)
    incidents_import(
        incidents=[
            item("650297", FEED),
            item("650298", FEED, when=EVENING + timedelta(days=1)),
            item("K-1", when=noon, time_known=False),
            item("K-2", when=noon + timedelta(days=2), time_known=False),
        ]
    )
    assert linked() == {"650297": "K-1"}


@pytest.mark.django_db
def test_a_digest_s_line_matches_a_record_of_the_night_it_sums_up(municipality):
    """A line of "Sammanfattning natt" carries the digest's morning time; the burglary it
    tells of happened in the night, more than `SAME_EVENT_WINDOW` before."""
    morning = EVENING.replace(hour=6, minute=40) + timedelta(days=1)
    incidents_import(
        incidents=[
            item("650400:1", FEED, when=morning),
            item("650400:2", FEED, when=morning, group=OffenceGroup.VANDALISM),
            item("K-1", when=EVENING + timedelta(hours=4)),  # 02:15, the night summed up
            # The evening before the night: too early for the digest.
            item("K-2", when=morning - timedelta(hours=20), group=OffenceGroup.VANDALISM),
        ]
    )
    assert linked() == {"650400:1": "K-1"}


@pytest.mark.django_db
def test_one_event_one_record_the_closest_first(municipality):
    incidents_import(
        incidents=[
            item("650297", FEED, when=EVENING + timedelta(hours=2)),
            item("650298", FEED, when=EVENING + timedelta(minutes=30)),
        ]
    )
    incidents_import(incidents=[item("K-1")])
    assert linked() == {"650298": "K-1"}
    assert counted() == 2
    # A second record of the evening takes the other event.
    incidents_import(incidents=[item("K-2", when=EVENING + timedelta(hours=1))])
    assert linked() == {"650298": "K-1", "650297": "K-2"}
    assert counted() == 2


@pytest.mark.django_db
def test_as_many_events_are_linked_as_fit(municipality):
    """Found by a probe: closest first gave 21:10 to 22:00, leaving 20:00 and 23:30 apart
    although each fits the other; one event was counted twice."""
    vandalism = OffenceGroup.VANDALISM
    at = EVENING.replace(hour=20, minute=0)
    incidents_import(
        incidents=[
            item("990003", FEED, when=at, group=vandalism),
            item("990010", FEED, when=at + timedelta(hours=2), group=vandalism),
        ]
    )
    incidents_import(
        incidents=[
            item("D1", when=at + timedelta(hours=1, minutes=10), group=vandalism),
            item("D2", when=at + timedelta(hours=3, minutes=30), group=vandalism),
        ]
    )
    assert linked() == {"990003": "D1", "990010": "D2"}
    assert incidents_here().of_group(vandalism).count() == 2


@pytest.mark.django_db
def test_a_date_alone_gives_way_to_a_timed_record(municipality):
    """The probe's second case: a record without a clock time took the 11:00 event, whose
    only other fit (13:30) the 23:30 event could not have."""
    fire = OffenceGroup.FIRE
    day = EVENING.replace(hour=12, minute=0)
    incidents_import(
        incidents=[
            item("E1", when=day, group=fire, time_known=False),
            item("E2", when=day.replace(hour=13, minute=30), group=fire),
        ]
    )
    incidents_import(
        incidents=[
            item("990030", FEED, when=day.replace(hour=11), group=fire),
            item("990031", FEED, when=day.replace(hour=23, minute=30), group=fire),
        ]
    )
    assert linked() == {"990030": "E2", "990031": "E1"}
    assert incidents_here().of_group(fire).count() == 2


@pytest.mark.django_db
def test_a_record_without_a_clock_takes_its_feed_event_s_time_in_the_profiles(municipality):
    """Linked, the police's timed event is not counted; the record has its date alone. The
    time profiles and the suggestions read the event's clock time for it (`with_clock`)."""
    incidents_import(incidents=[item("650297", FEED)])
    incidents_import(incidents=[item("K-1", when=EVENING.replace(hour=12), time_known=False)])
    assert linked() == {"650297": "K-1"}
    (row,) = incidents_here().with_clock().values_list("clock_at", "clock_known")
    assert row == (EVENING, True)


@pytest.mark.django_db
def test_a_record_without_a_clock_takes_no_clock_from_a_digest_s_line(municipality):
    """A digest's line carries the time the digest was written, the morning after: no
    clock time of the burglary to lend to a record with its date alone."""
    morning = EVENING.replace(hour=7, minute=0)
    incidents_import(incidents=[item("650400:1", FEED, when=morning, time_known=False)])
    incidents_import(incidents=[item("K-1", when=EVENING.replace(hour=12), time_known=False)])
    assert linked() == {"650400:1": "K-1"}
    (row,) = incidents_here().with_clock().values_list("clock_known", flat=True)
    assert row is False


@pytest.mark.django_db
def test_a_staff_observation_links_too(municipality, case_handler):
    incidents_import(incidents=[item("650297", FEED)])
    incident_record_observation(
        reported_by=case_handler.user,
        occurred_at=EVENING - timedelta(minutes=45),
        lat=None,
        lon=None,
        offence_group=BURGLARY,
        summary="Uppbrutet fönster",
    )
    assert list(linked()) == ["650297"]
    assert counted() == 1


@pytest.mark.django_db
def test_a_re_run_changes_nothing(municipality):
    incidents_import(incidents=[item("650297", FEED), item("K-1")])
    assert linked() == {"650297": "K-1"}
    span = {"start": EVENING - timedelta(days=30), "end": EVENING + timedelta(days=30)}
    assert incidents_link_same(codes=["2505"], **span) == 0
    out = StringIO()
    call_command("link_same_incidents", stdout=out)
    assert "2505: 0 feed events linked" in out.getvalue()
    assert linked() == {"650297": "K-1"}


@pytest.mark.django_db
def test_the_command_links_what_was_stored_before(municipality):
    """Incidents stored before the link existed (an upgrade) are linked by the command."""
    for external_id, source in (("650297", FEED), ("K-1", CSV)):
        Incident.objects.create(
            source=source,
            external_id=external_id,
            occurred_at=EVENING,
            offence_group=BURGLARY,
            municipality_code="2505",
        )
    assert counted() == 2
    out = StringIO()
    call_command("link_same_incidents", stdout=out)
    assert "Linked 1 in all." in out.getvalue()
    assert counted() == 1


URL = "/personal/lagesbild/import/"
FILE = (
    "Datum;Brottstyp;Latitud;Longitud\n"
    f"2026-11-20 22:15;Inbrott i villa;{CENTRUM[0]};{CENTRUM[1]}\n"
    f"2026-11-22 03:10;Inbrott i villa;{CENTRUM[0]};{CENTRUM[1]}\n"
)
COLUMNS = {
    "time": "Datum", "type": "Brottstyp", "lat": "Latitud", "lon": "Longitud",
    "types_column": "Brottstyp",
}


@pytest.mark.django_db
def test_the_upload_says_so_and_its_undo_counts_the_event_again(municipality, case_handler):
    incidents_import(incidents=[item("650297", FEED, when=EVENING + timedelta(minutes=50))])
    file = SimpleUploadedFile("polisens.csv", FILE.encode(), "text/csv")
    case_handler.post(URL, {"file": file})
    upload = IncidentImport.objects.latest("pk")
    page = case_handler.post(f"{URL}{upload.pk}/", COLUMNS, follow=True).content.decode()
    assert "Av de importerade finns också bland Polisens händelser (räknas en gång)" in page
    assert '<dd id="result-also-in-feed">1</dd>' in page
    assert counted() == 2  # three records, two burglaries
    upload.refresh_from_db()
    asking = case_handler.get(f"{URL}{upload.pk}/angra/").content.decode()
    assert (
        "1 av händelserna finns också bland Polisens händelser. Den räknas då igen som "
        "Polisens händelse: för kommunen, men inte i något område."
    ) in " ".join(asking.split())
    assert incident_import_undo(incident_import=upload, user=case_handler.user) == 2
    assert linked() == {}
    assert counted() == 1
    assert "result-also-in-feed" not in case_handler.get(f"{URL}{upload.pk}/").content.decode()


@settings(max_examples=200, deadline=None)
@given(
    edges=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 180)), max_size=30
    )
)
def test_the_matching_is_one_to_one_and_as_large_as_any(edges):
    """Checked against SciPy's maximum bipartite matching on random candidate lists."""
    candidates: dict[int, list] = {}
    for event, record, minutes in edges:
        fits = candidates.setdefault(event, [])
        if record not in {other for _apart, other in fits}:
            fits.append((timedelta(minutes=minutes), 100 + record))
    candidates = {pk: sorted(fits) for pk, fits in candidates.items()}
    found = _matching(candidates)
    assert len(set(found.values())) == len(found)
    assert all(other in {o for _a, o in candidates[pk]} for pk, other in found.items())
    graph = np.zeros((8, 8), dtype=np.int8)
    for pk, fits in candidates.items():
        for _apart, other in fits:
            graph[pk, other - 100] = 1
    best = maximum_bipartite_matching(csr_matrix(graph), perm_type="column")
    assert len(found) == int((best >= 0).sum())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "place",
    [("2506", "Arjeplog", ARJEPLOG), ("2510", "Jokkmokk", (66.6066, 19.8229))],
    ids=["to a municipality served", "to one not served"],
)
def test_a_record_freed_by_a_police_edit_moving_its_event_away_is_linked_again(
    municipality, arjeplog, place
):
    """The police move the feed event that stood aside for a file's record to another
    municipality: the record is free, and another event of Arvidsjaur that fits it stands
    aside for it, as when an upload is undone. Only the municipality the event went to was
    linked again (or none), so Arvidsjaur counted the record and that event both."""
    record = item("K-1", when=EVENING + timedelta(hours=1, minutes=50))
    first = item("700001", FEED, when=EVENING)
    second = item("700002", FEED, when=EVENING + timedelta(hours=2))
    incidents_import(incidents=[record, first, second])
    assert linked() == {"700002": "K-1"} and counted() == 2
    code, name, (lat, lon) = place
    moved = item(
        "700002",
        FEED,
        when=EVENING + timedelta(hours=2),
        lat=lat,
        lon=lon,
        municipality_code=code,
        municipality_name=name,
    )
    assert incidents_import(incidents=[moved]).updated == 1
    assert linked() == {"700001": "K-1"}
    assert counted() == 1
