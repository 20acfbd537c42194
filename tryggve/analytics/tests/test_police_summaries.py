"""The police's night summaries: split into their single incidents where the text lists them,
kept as one labelled incident otherwise, and never counted twice."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tryggve.analytics.importers import parse_police_events
from tryggve.analytics.models import Incident, OffenceGroup
from tryggve.analytics.services import incidents_import


def event(id, when, type_label, place, summary):
    return {
        "id": id,
        "datetime": f"2026-11-{when} +01:00",
        "name": f"{int(when[:2])} november {when[3:8].replace(':', '.')}, {type_label}, {place}",
        "summary": summary,
        "url": f"/aktuellt/handelser/2026/november/{id}/",
        "type": type_label,
        "location": {"name": "Norrbottens län", "gps": "66.83309,20.39919"},
    }


NIGHT = event(
    900,
    "28 07:00:00",
    "Sammanfattning natt",
    "Norrbottens län",
    "Ett urval av nattens händelser.\n"
    "Inbrott, Arvidsjaur: Inbrott i en villa, smycken stulna.\n"
    "- Misshandel, grov, Arjeplog: En man fördes till sjukhus.\n"
    "Trafikolycka, vilt, Norrbottens län: Viltolyckor i hela länet.\n"
    "Övrigt: Lugn natt.",
)


def test_a_summary_listing_incidents_is_split_into_them():
    parts = list(parse_police_events([NIGHT]))
    assert [(p.external_id, p.type_label, p.municipality_name, p.offence_group) for p in parts] == [
        ("900:1", "Inbrott", "Arvidsjaur", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("900:2", "Misshandel, grov", "Arjeplog", OffenceGroup.VIOLENCE),
    ]
    assert all(p.summary_part and p.municipality_code for p in parts)
    assert parts[0].summary == "Inbrott i en villa, smycken stulna."


def test_a_line_has_the_digest_s_day_but_no_clock_time_of_its_own():
    """The digest is written at 07:00 the morning after: its lines happened some time in
    the night, so they count for the day and never for the hour 07 (time profiles, the
    suggestions' busiest hours); an event of its own keeps its clock time."""
    single = event(901, "28 02:10:00", "Inbrott", "Arvidsjaur", "Inbrott i en villa.")
    parts = list(parse_police_events([NIGHT]))
    assert [p.time_known for p in parts] == [False, False]
    assert next(iter(parse_police_events([single]))).time_known is True


@pytest.mark.django_db
def test_a_stored_line_is_shown_with_its_date_alone(municipality, arjeplog):
    incidents_import(incidents=parse_police_events([NIGHT]))
    line = Incident.objects.get(external_id="900:1")
    assert (line.time_known, line.when) == (False, "2026-11-28")


def test_numbered_lines_are_split_like_bulleted_ones():
    # Had "1." kept the line out, the digest would be split into its other lines only and
    # the numbered incidents lost.
    numbered = dict(
        NIGHT,
        summary="Inbrott, Arvidsjaur: Inbrott i en villa.\n"
        "1. Rån, Arvidsjaur: Rån mot en butik.\n2) Skadegörelse, Arjeplog: Fönster krossade.",
    )
    parts = list(parse_police_events([numbered]))
    assert [(p.type_label, p.municipality_name) for p in parts] == [
        ("Inbrott", "Arvidsjaur"),
        ("Rån", "Arvidsjaur"),
        ("Skadegörelse", "Arjeplog"),
    ]


def test_a_line_of_a_type_we_do_not_group_is_kept_in_other_not_lost():
    # Before, such a line was dropped while the digest's other lines were split: an
    # incident the same event of its own would have kept (in `other`) was lost.
    mixed = dict(
        NIGHT,
        summary="Inbrott, Arvidsjaur: Inbrott i en villa.\n"
        "Narkotikabrott, Arjeplog: En man greps med narkotika.\n"
        "Väder och väglag, i stort: Halt på vägarna.",
    )
    parts = list(parse_police_events([mixed]))
    assert [(p.type_label, p.municipality_code, p.offence_group) for p in parts] == [
        ("Inbrott", "2505", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("Narkotikabrott", "2506", OffenceGroup.OTHER),
    ]


def test_a_summary_in_prose_is_kept_as_one_with_its_label():
    prose = event(
        901,
        "28 07:05:00",
        "Sammanfattning kväll och natt",
        "Norrbottens län",
        "Det har varit en lugn kväll och natt i länet.",
    )
    (only,) = parse_police_events([prose])
    assert only.external_id == "901" and not only.summary_part
    assert only.type_label == "Sammanfattning kväll och natt"
    assert only.offence_group == OffenceGroup.OTHER


def _import(events):
    result = incidents_import(incidents=parse_police_events(json.loads(json.dumps(events))))
    return result.imported, result.duplicates


def test_a_line_of_a_municipality_not_served_is_read_but_not_stored(municipality):
    # Arjeplog's row is there, but this deployment serves Arvidsjaur alone.
    result = incidents_import(incidents=parse_police_events([NIGHT]))
    assert (result.imported, result.duplicates, result.outside) == (1, 0, 1)
    assert list(Incident.objects.values_list("external_id", "municipality_code")) == [
        ("900:1", "2505")
    ]
    # Fetched again, the line stored is a duplicate and the other is still outside.
    again = incidents_import(incidents=parse_police_events([NIGHT]))
    assert (again.imported, again.duplicates, again.outside) == (0, 1, 1)


@pytest.mark.django_db
def test_an_incident_in_the_summary_and_as_its_own_event_counts_once(arjeplog):
    own = event(880, "28 02:10:00", "Inbrott", "Arvidsjaur", "Inbrott i en villa.")
    assert _import([NIGHT, own]) == (2, 1)  # the event and the Arjeplog line
    assert not Incident.objects.filter(external_id="900:1").exists()


@pytest.mark.django_db
def test_the_rule_holds_whichever_arrives_first(arjeplog):
    own = event(880, "28 02:10:00", "Inbrott", "Arvidsjaur", "Inbrott i en villa.")
    assert _import([NIGHT]) == (2, 0)
    assert _import([own]) == (0, 1)  # the night's line stands for it already
    assert _import([NIGHT, own]) == (0, 3)
    assert Incident.objects.filter(offence_group=OffenceGroup.RESIDENTIAL_BURGLARY).count() == 1


@pytest.mark.django_db
def test_an_event_stands_for_one_line_only_and_only_in_its_night(arjeplog):
    two = dict(NIGHT, summary="Inbrott, Arvidsjaur: Villa.\nInbrott, Arvidsjaur: Fritidshus.")
    own = event(880, "28 02:10:00", "Inbrott", "Arvidsjaur", "Inbrott i en villa.")
    last_week = event(870, "21 02:10:00", "Inbrott", "Arvidsjaur", "Inbrott i en villa.")
    other_town = event(881, "28 02:10:00", "Inbrott", "Arjeplog", "Inbrott i en villa.")
    assert _import([two, own, last_week, other_town]) == (4, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "own_type"),
    [
        ("inbrott, Arvidsjaur: Inbrott i en villa.", "Inbrott"),
        ("Misshandel, Arvidsjaur: En man slogs.", "Misshandel, grov"),
        ("Inbrott, försök, Arvidsjaur: Försök till inbrott i en villa.", "Inbrott"),
        ("Trafikolycka, Arvidsjaur: En bil i diket.", "Trafikolycka, singel"),
    ],
    ids=["lower-case", "grov", "försök", "singel"],
)
def test_a_line_written_more_loosely_than_the_event_is_still_the_event(
    municipality, line, own_type
):
    """The digest's writer names the type as it comes ("Misshandel", "inbrott"); the
    event of its own has the feed's exact type ("Misshandel, grov"). The same kind of
    event in the same place and night is one incident, not two."""
    night = dict(NIGHT, summary="Natten i korthet.\n" + line)
    own = event(880, "28 02:10:00", own_type, "Arvidsjaur", "Inbrott i en villa.")
    assert _import([night, own]) == (1, 1)
    assert _import([night]) == (0, 1)
    # Another kind of event of the same group stays an incident of its own.
    robbery = event(881, "28 03:10:00", "Rån", "Arvidsjaur", "Rån mot en butik.")
    assert _import([robbery]) == (1, 0)


PROSE = dict(NIGHT, summary="En lugn natt: ett inbrott i Arvidsjaur, en misshandel i Arjeplog.")
ON_TOP = dict(NIGHT, summary="Rån, Arvidsjaur: Rån mot en butik.\n" + NIGHT["summary"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "then", "stored"),
    [(PROSE, NIGHT, 1), (NIGHT, PROSE, 2), (NIGHT, ON_TOP, 2)],
    ids=["prose-then-list", "list-then-prose", "line-added-on-top"],
)
def test_an_edited_summary_fetched_again_counts_nothing_twice(arjeplog, first, then, stored):
    imported, _ = _import([first])
    assert imported == stored
    assert _import([then]) == (0, len(list(parse_police_events([then]))))
    assert Incident.objects.count() == stored
    assert Incident.objects.filter(type_label="Misshandel, grov").count() <= 1


@pytest.mark.django_db(transaction=True)
def test_lines_stored_before_lose_the_clock_time_they_never_had():
    before = [("analytics", "0018_feedfetch_refused")]
    executor = MigrationExecutor(connection)
    # Through 0019 to the newest: stopping at 0019 left later migrations undone (a column
    # missing) for every test after this one in the same process.
    after = executor.loader.graph.leaf_nodes("analytics")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("analytics", "Incident")
    common = {"occurred_at": "2026-11-28T06:00:00Z", "offence_group": "residential_burglary"}
    old.objects.create(source="police_feed", external_id="900:1", **common)
    old.objects.create(source="police_feed", external_id="901", **common)
    old.objects.create(source="csv", external_id="securitas:17", **common)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    assert dict(Incident.objects.values_list("external_id", "time_known")) == {
        "900:1": False,
        "901": True,
        "securitas:17": True,
    }
