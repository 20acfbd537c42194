"""The police edit events they have published, and the feed serves the edit under the same
id: the type ("Bråk" became "Mord/dråp" in Kiruna on 15 August 2026), the text, the time
or the municipality in the name (seen in the feed's answers over half a year). A stored
event fetched again is brought up to date, never kept in its first version for good."""

from datetime import UTC, datetime

import pytest

from tryggve.analytics.importers import parse_police_events
from tryggve.analytics.models import Incident, OffenceGroup
from tryggve.analytics.services import incidents_import

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def event(type_label, summary, *, place="Arvidsjaur", clock="01.10", id=710001):
    return {
        "id": id,
        "datetime": "2026-11-30 01:40:00 +01:00",
        "name": f"30 november {clock}, {type_label}, {place}",
        "summary": summary,
        "url": f"/aktuellt/handelser/2026/november/30/{id}/",
        "type": type_label,
        "location": {"name": "Norrbottens län", "gps": "66.830922,20.399197"},
    }


def fetch(*events):
    return incidents_import(incidents=parse_police_events(list(events), now=NOW))


@pytest.mark.django_db
def test_an_event_whose_type_the_police_change_is_brought_up_to_date(municipality):
    fetch(event("Bråk", "Bråk utanför en restaurang."))
    result = fetch(event("Mord/dråp", "En man har avlidit efter ett bråk."))
    assert (result.imported, result.duplicates, result.updated) == (0, 1, 1)
    stored = Incident.objects.get()
    assert (stored.type_label, stored.offence_group) == ("Mord/dråp", OffenceGroup.VIOLENCE)
    assert stored.summary == "En man har avlidit efter ett bråk."
    # Fetched again unchanged, nothing more to do.
    assert fetch(event("Mord/dråp", "En man har avlidit efter ett bråk.")).updated == 0


@pytest.mark.django_db
def test_a_burglary_whose_text_now_names_a_villa_becomes_residential(municipality):
    fetch(event("Inbrott", "Inbrott anmält."))
    fetch(event("Inbrott", "Inbrott i en villa, smycken stulna."))
    assert Incident.objects.get().offence_group == OffenceGroup.RESIDENTIAL_BURGLARY


@pytest.mark.django_db
def test_a_corrected_time_in_the_name_is_the_stored_time(municipality):
    fetch(event("Stöld", "Stöld ur bil.", clock="01.10"))
    fetch(event("Stöld", "Stöld ur bil.", clock="00.20"))
    assert Incident.objects.get().occurred_at == datetime(2026, 11, 29, 23, 20, tzinfo=UTC)


@pytest.mark.django_db
def test_an_event_moved_to_another_served_municipality_counts_there(municipality, arjeplog):
    fetch(event("Misshandel", "Misshandel på torget."))
    fetch(event("Misshandel", "Misshandel på torget.", place="Arjeplog"))
    assert Incident.objects.get().municipality_code == "2506"


@pytest.mark.django_db
def test_an_event_moved_to_a_municipality_not_served_no_longer_counts_here(municipality):
    fetch(event("Misshandel", "Misshandel på torget."))
    result = fetch(event("Misshandel", "Misshandel på torget i Jokkmokk.", place="Jokkmokk"))
    assert (result.outside, result.updated) == (1, 1)
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_an_event_of_a_municipality_no_longer_served_stays_when_the_police_did_not_move_it(
    municipality, arjeplog, settings
):
    """Only an edit of the place is a move: Arjeplog's events fetched again after it stopped
    being served (its slug removed, routing turned off) were deleted as moved away, another
    municipality's stored events removed by Arvidsjaur's configuration."""
    fetch(event("Stöld", "Stöld ur bil.", place="Arjeplog"))
    settings.MUNICIPALITY_ROUTING = False  # Arvidsjaur alone is served now
    result = fetch(event("Stöld", "Stöld ur bil, nu med mer text.", place="Arjeplog"))
    assert (result.outside, result.updated, dict(result.moved_by_code)) == (1, 0, {})
    assert Incident.objects.get().municipality_code == "2506"
    # Moved by the police to a place not served, it goes, and counts as moved for Arjeplog.
    result = fetch(event("Stöld", "Stöld ur bil.", place="Jokkmokk"))
    assert (result.updated, dict(result.moved_by_code)) == (1, {"2506": 1})
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_a_file_row_with_a_known_id_and_other_contents_is_still_rejected(municipality):
    """Only the police feed's own events are edits; a file's id stays the rule it was."""
    from tryggve.analytics.importers import IncidentData
    from tryggve.analytics.models import IncidentSource

    def row(hour):
        return IncidentData(
            source=IncidentSource.CSV,
            external_id="A-1",
            file_id="A-1",
            where="rad 2",
            occurred_at=datetime(2026, 11, 30, hour, tzinfo=UTC),
            offence_group=OffenceGroup.THEFT,
            type_label="Stöld",
            municipality_code="2505",
            municipality_name="Arvidsjaur",
        )

    incidents_import(incidents=[row(1)])
    result = incidents_import(incidents=[row(3)])
    assert (result.rejected, result.updated) == (1, 0)


@pytest.mark.django_db
def test_each_municipality_is_told_what_the_police_changed_for_it(municipality, arjeplog):
    """The staff's list of the feed's calls counted an edited event as a duplicate: nobody
    saw that stored events had been rewritten or moved away."""
    from tryggve.analytics.models import FeedFetch

    fetch(event("Bråk", "Bråk.", id=1), event("Stöld", "Stöld.", id=2), event("Rån", "Rån.", id=3))
    result = fetch(
        event("Mord/dråp", "En man har avlidit.", id=1),  # edited where it is
        event("Stöld", "Stöld.", place="Arjeplog", id=2),  # moved to a municipality served
        event("Rån", "Rån.", place="Jokkmokk", id=3),  # moved to one not served
    )
    counts = result.by_municipality()
    assert (counts["2505"]["updated"], counts["2505"]["moved"]) == (1, 2)
    assert counts["2506"]["updated"] == 1 and "moved" not in counts["2506"]
    call = FeedFetch(outcome=FeedFetch.Outcome.OK, started=NOW, counts=counts)
    here = call.explanation("2505")
    assert "1 händelse som hämtats förut hade ändrats av polisen och uppdaterades" in here
    assert "2 händelser har polisen flyttat till en annan kommun; de räknas inte längre" in here
    assert "flyttat" not in call.explanation("2506")
    # A call without edits says nothing of them.
    quiet = fetch(event("Mord/dråp", "En man har avlidit.", id=1)).by_municipality()
    assert quiet["2505"] == {"imported": 0, "duplicates": 1, "rejected": 0}
