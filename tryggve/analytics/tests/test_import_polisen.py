"""The police's events feed: classification, both eras of `location`, and the real sample."""

import unicodedata
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tryggve.analytics.importers import (
    ImportFormatError,
    IncidentData,
    Rejection,
    classify_police_event,
    load_police_events,
    parse_police_events,
    quoted,
)
from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup
from tryggve.analytics.services import incidents_import

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ARVIDSJAUR_CENTRE = "65.592077,19.180283"  # the old feed's point for Arvidsjaur
NORRBOTTEN_CENTRE = "66.830922,20.399197"


def event(**changes) -> dict:
    base = {
        "id": 1,
        "datetime": "2026-08-22 19:51:41 +02:00",
        "name": "22 augusti 17.59, Brand, Kävlinge",
        "summary": "Brand i förråd.",
        "url": "/aktuellt/handelser/2026/augusti/22/22-augusti-17.59-brand-kavlinge/",
        "type": "Brand",
        "location": {"name": "Skåne län", "gps": "55.990257,13.595769"},
    }
    return base | changes


def parse_one(**changes) -> IncidentData | Rejection:
    (item,) = parse_police_events([event(**changes)])
    return item


def load_sample(path) -> list[dict]:
    return load_police_events(path.read_bytes())


# Classification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_label", "summary", "group"),
    [
        ("Inbrott", "Inbrott i bostad.", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("Stöld/inbrott", "Inbrott i fritidshus, två gärningspersoner frihetsberövade.", "rb"),
        ("Inbrott, försök", "Försök till inbrott i en lägenhet på Storgatan.", "rb"),
        ("Inbrott", "Inbrott i villa i Glommersträsk.", "rb"),
        ("Inbrott", "Någon har brutit sig in i ett radhus.", "rb"),
        ("Inbrott", "En man försökte bryta sig in i ett källarförråd i Aspudden.", "ob"),
        ("Stöld/inbrott", "Inbrott i garagebyggnad.", "ob"),
        ("Stöld/inbrott", "Brand och inbrott i villagarage.", "ob"),
        ("Stöld/inbrott", "Inbrott i butik i bostadsområdet.", "ob"),
        ("Stöld/inbrott", "Larm om inbrott.", "ob"),
        ("Stöld/inbrott", "", "ob"),
        ("Skadegörelse", "", OffenceGroup.VANDALISM),
        ("Misshandel", "", OffenceGroup.VIOLENCE),
        ("Misshandel, grov", "", OffenceGroup.VIOLENCE),
        ("Våld/hot mot tjänsteman", "", OffenceGroup.VIOLENCE),
        ("Våld/hot mot offentlig anställd", "", OffenceGroup.VIOLENCE),
        ("Stöld", "", OffenceGroup.THEFT),
        ("Stöld, försök", "", OffenceGroup.THEFT),
        ("Snatteri", "", OffenceGroup.THEFT),
        ("Trafikolycka", "", OffenceGroup.TRAFFIC),
        ("Trafikolycka, vilt", "", OffenceGroup.TRAFFIC),
        ("Trafikolycka, smitning från", "", OffenceGroup.TRAFFIC),
        ("Rattfylleri", "", OffenceGroup.TRAFFIC),
        ("Trafikkontroll", "", OffenceGroup.TRAFFIC),
        ("Ordningslagen", "", OffenceGroup.DISTURBANCE),
        ("Fylleri/LOB", "", OffenceGroup.DISTURBANCE),
        ("Fylleri", "", OffenceGroup.DISTURBANCE),
        ("Bråk", "", OffenceGroup.DISTURBANCE),
        ("Brand", "", OffenceGroup.FIRE),
        ("Brand automatlarm", "", OffenceGroup.OTHER),
        ("Larm Inbrott", "Larm om inbrott i villa.", OffenceGroup.OTHER),
        ("Sammanfattning natt", "", OffenceGroup.OTHER),
        ("Övrigt", "", OffenceGroup.OTHER),
        ("Lagen om hundar och katter ", "", OffenceGroup.OTHER),
        ("Något helt nytt", "", OffenceGroup.OTHER),
    ],
)
def test_classification(type_label, summary, group):
    group = {"rb": "residential_burglary", "ob": "other_burglary"}.get(group, group)
    assert classify_police_event(type_label, summary) == group


NFD = "NFD"


@pytest.mark.parametrize(
    ("type_label", "summary", "group"),
    [
        ("inbrott", "Inbrott i villa.", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("INBROTT", "", OffenceGroup.OTHER_BURGLARY),
        ("stöld/inbrott", "Inbrott i lägenhet.", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("brand", "", OffenceGroup.FIRE),
        ("  misshandel,   grov ", "", OffenceGroup.VIOLENCE),
        ("trafikolycka, vilt", "", OffenceGroup.TRAFFIC),
        ("rån väpnat", "", OffenceGroup.VIOLENCE),
        # "Skadegörelse" and "Rån" with their letters decomposed (a and a combining ring).
        (unicodedata.normalize(NFD, "Skadegörelse"), "", OffenceGroup.VANDALISM),
        (unicodedata.normalize(NFD, "rån, försök"), "", OffenceGroup.VIOLENCE),
        (unicodedata.normalize(NFD, "Våld/hot mot tjänsteman"), "", OffenceGroup.VIOLENCE),
    ],
)
def test_a_type_is_known_whatever_its_case_spacing_or_composition(type_label, summary, group):
    assert classify_police_event(type_label, summary) == group


def test_an_event_of_a_type_in_lower_case_is_in_its_group_not_other():
    assert parse_one(type="brand").offence_group == OffenceGroup.FIRE
    burglary = parse_one(type="inbrott", summary="Inbrott i villa.")
    assert burglary.offence_group == OffenceGroup.RESIDENTIAL_BURGLARY
    # Stored as the feed wrote it (composed): the label is the police's, not ours.
    assert burglary.type_label == "inbrott"


def test_a_digest_in_lower_case_is_split_into_its_lines():
    digest = "Inbrott, Arvidsjaur: Inbrott i en villa.\nbrand, Arjeplog: Brand i ett förråd."
    parts = list(parse_police_events([event(type="sammanfattning natt", summary=digest)]))
    assert [(p.type_label, p.offence_group) for p in parts] == [
        ("Inbrott", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("brand", OffenceGroup.FIRE),
    ]


# Parsing one event ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nul_character_in_the_feed_is_stored_as_a_replacement_sign(municipality):
    """JSON may escape NUL ("\\u0000"), which PostgreSQL refuses in text."""
    item = parse_one(
        id="7\x00",
        summary="Brand\x00 i förråd.",
        name="22 augusti 17.59, Brand, Arvidsjaur",
        location={"name": "Norrbottens län", "gps": "65.59,19.18"},
    )
    assert isinstance(item, IncidentData)
    assert "\x00" not in item.summary + item.external_id + item.type_label
    assert item.summary == "Brand\ufffd i förråd."
    result = incidents_import(incidents=[item])
    assert result.imported == 1


def test_county_era_event_takes_the_municipality_from_its_name():
    item = parse_one(
        id=650275,
        datetime="2026-08-22 9:36:54 +02:00",
        name="22 augusti 07.40, Trafikolycka, vilt, Överkalix",
        type="Trafikolycka, vilt",
        location={"name": "Norrbottens län", "gps": NORRBOTTEN_CENTRE},
    )
    assert item.municipality_name == "Överkalix"
    assert item.municipality_code == "2513"
    assert item.precise is False
    assert (item.lat, item.lon) == (66.830922, 20.399197)  # the county centre, kept as given
    assert item.occurred_at == datetime(2026, 8, 22, 7, 40, tzinfo=STOCKHOLM)
    assert item.external_id == "650275"
    assert item.source == IncidentSource.POLICE_FEED


def test_county_wide_event_has_no_municipality():
    item = parse_one(
        name="22 augusti 08.05, Sammanfattning natt, Norrbottens län",
        type="Sammanfattning natt",
        location={"name": "Norrbottens län", "gps": NORRBOTTEN_CENTRE},
    )
    assert (item.municipality_name, item.municipality_code) == ("", "")
    assert item.offence_group == OffenceGroup.OTHER


def test_municipality_era_event_takes_the_municipality_from_location():
    item = parse_one(
        datetime="2019-03-02 21:05:00 +01:00",
        name="2 mars 20.40, Skadegörelse, Arvidsjaur",
        type="Skadegörelse",
        url="https://polisen.se/aktuellt/handelser/2019/mars/2/skadegorelse-arvidsjaur/",
        location={"name": "Arvidsjaur", "gps": ARVIDSJAUR_CENTRE},
    )
    assert (item.municipality_name, item.municipality_code) == ("Arvidsjaur", "2505")
    assert item.precise is False
    assert item.occurred_at == datetime(2019, 3, 2, 20, 40, tzinfo=STOCKHOLM)
    assert item.source_url.startswith("https://polisen.se/aktuellt/handelser/2019/")


def test_hour_without_leading_zero_and_time_with_colon():
    item = parse_one(datetime="2026-08-22 7:32:06 +02:00", name="22 augusti 6:05, Brand, Kalix")
    assert item.occurred_at == datetime(2026, 8, 22, 6, 5, tzinfo=STOCKHOLM)


def test_publication_time_when_the_name_has_none():
    item = parse_one(datetime="2026-08-22 7:32:06 +02:00", name="Brand, Kalix")
    assert item.occurred_at == datetime(2026, 8, 22, 7, 32, 6, tzinfo=STOCKHOLM)


def test_december_event_published_in_january_is_last_year():
    item = parse_one(datetime="2026-01-01 0:40:00 +01:00", name="31 december 23.50, Brand, Boden")
    assert item.occurred_at == datetime(2025, 12, 31, 23, 50, tzinfo=STOCKHOLM)


def test_relative_url_made_absolute():
    assert parse_one().source_url == (
        "https://polisen.se/aktuellt/handelser/2026/augusti/22/22-augusti-17.59-brand-kavlinge/"
    )
    assert parse_one(url="javascript:alert(1)").source_url == ""


def test_missing_or_broken_gps_leaves_no_position():
    assert parse_one(location={"name": "Skåne län", "gps": ""}).lat is None
    assert parse_one(location={"name": "Skåne län", "gps": "91,200"}).lat is None
    item = parse_one(location=None)
    assert (item.lat, item.lon, item.municipality_name) == (None, None, "Kävlinge")


def test_bad_events_are_rejected_by_position_and_id():
    items = list(
        parse_police_events(
            [event(id=1), "text", event(id=None), event(id=4, datetime="igår"), event(id=5)]
        )
    )
    assert [type(item).__name__ for item in items] == [
        "IncidentData",
        "Rejection",
        "Rejection",
        "Rejection",
        "IncidentData",
    ]
    assert str(items[1]).startswith("händelse 2:")
    assert str(items[2]) == "händelse 3: saknar id"
    assert str(items[3]).startswith("händelse 4 (id 4): tiden 'igår'")


@pytest.mark.parametrize("data", [b"{", b'{"events": []}', b"\xff\xfe\x00"])
def test_a_file_that_is_not_a_json_list_is_refused(data):
    with pytest.raises(ImportFormatError):
        load_police_events(data)


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"]" * 100_000,  # the attacker's 200 kB answer
        b'[{"id": 1, "summary": ' + b"[" * 5000 + b"]" * 5000 + b"}]",
        b'[{"id": 1, "summary": {"a": ' * 5000 + b"0" + b"}}" * 5000 + b"]",
        b"[" + b"1" * 5000 + b"]",  # an int too long for Python to read
    ],
)
def test_json_nested_too_deep_is_refused_as_unreadable_not_a_traceback(data):
    with pytest.raises(ImportFormatError, match="inte giltig JSON"):
        load_police_events(data)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"<html>Service Unavailable</html>", "Filen är inte giltig JSON: fel på rad 1, tecken 1."),
        (b'[{"id": 1},\n {"id": 2,}]', "Filen är inte giltig JSON: fel på rad 2, tecken 11."),
        (b"[" + b"1" * 5000 + b"]", "Filen är inte giltig JSON: ett tal är för långt."),
        (b"[\xff]", "Filen är inte UTF-8: byte 2 går inte att läsa."),
    ],
)
def test_an_unreadable_answer_is_said_in_swedish_with_where_it_broke(data, said):
    # Staff see this message on the import page: no English parser detail.
    with pytest.raises(ImportFormatError) as refused:
        load_police_events(data)
    assert str(refused.value) == said


def test_text_fields_given_as_objects_are_empty_never_their_repr():
    parsed = parse_one(
        type={"sv": "Inbrott"}, summary=["Inbrott i villa"], url={"href": "/x"},
        location={"name": {"x": 1}, "gps": [65.59, 19.17]},
    )
    for text in (parsed.type_label, parsed.summary, parsed.source_url):
        assert text == ""
    assert (parsed.lat, parsed.lon) == (None, None)


NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "refused"),
    [
        ("2099-01-01 00:00:00 +01:00", True),
        ("2026-12-01 12:00:00 +01:00", True),  # two days ahead
        ("2026-11-30 12:00:00 +01:00", False),  # within the day's slack, as a CSV row's
        ("2026-11-29 08:00:00 +01:00", False),
    ],
)
def test_an_event_dated_ahead_is_rejected_as_a_csv_row_is(when, refused):
    (item,) = parse_police_events(
        [event(id=900002, datetime=when, name="1 januari 00.00, Skadegörelse, Arvidsjaur")],
        now=NOW,
    )
    assert isinstance(item, Rejection) is refused
    if refused:
        assert str(item) == f"händelse 1 (id 900002): tiden {when} ligger i framtiden"
        # Still known as Arvidsjaur's: its staff learn of it, no one else's.
        assert item.municipality_code == "2505"


@pytest.mark.django_db
def test_a_far_future_event_is_neither_stored_nor_counted(municipality):
    events = [
        event(id=1, datetime="2099-01-01 00:00:00 +01:00", name="x, Skadegörelse, Arvidsjaur"),
        event(id=2, datetime="2026-11-28 00:00:00 +01:00", name="x, Skadegörelse, Arvidsjaur"),
    ]
    result = incidents_import(incidents=parse_police_events(events, now=NOW))
    assert (result.imported, result.rejected) == (1, 1)
    assert result.errors == [
        "händelse 1 (id 1): tiden 2099-01-01 00:00:00 +01:00 ligger i framtiden"
    ]
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["2"]


def test_a_rejection_quotes_at_most_40_characters_of_the_bad_value():
    long_time = "x" * 100_000
    (item,) = parse_police_events([event(id=7, datetime=long_time)])
    assert str(item) == f"händelse 1 (id 7): tiden '{'x' * 39}…' går inte att tolka"
    (item,) = parse_police_events([event(id="9" * 5000)])
    assert str(item) == f"händelse 1 (id {'9' * 39}…): ogiltigt id"
    (item,) = parse_police_events([event(id=8, datetime=[[["2026-11-28"]]])])
    assert str(item) == "händelse 1 (id 8): tiden '[…]' går inte att tolka"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("kort", "kort"),
        ("x" * 40, "x" * 40),
        ("x" * 41, "x" * 39 + "…"),
        (12345, "12345"),
        (10**60, "1.000e+60"),
        (1.5, "1.5"),
        (None, "None"),
        (True, "True"),
        ([1, 2], "[…]"),
        ({"a": 1}, "{…}"),
    ],
)
def test_quoted_is_one_rule_for_every_bad_value(value, shown):
    assert quoted(value) == shown


# Saving, with the real sample -------------------------------------------------------------


@pytest.mark.django_db
def test_real_sample_imports_every_event_once(police_sample):
    events = load_sample(police_sample)
    assert len(events) == 500

    # 216 of them write the hour without its leading zero; none may be lost to that.
    assert sum(1 for e in events if e["datetime"][11:13].endswith(":")) == 216
    assert all(isinstance(item, IncidentData) for item in parse_police_events(events))

    # Served here is Arvidsjaur alone: its 3 events and Norrbotten's 14 county-wide ones
    # are stored; the rest of Sweden is read and counted apart, never stored.
    first = incidents_import(incidents=parse_police_events(events))
    assert (first.imported, first.duplicates, first.rejected, first.outside) == (17, 0, 0, 483)
    assert not first.errors

    again = incidents_import(incidents=parse_police_events(events))
    assert (again.imported, again.duplicates, again.rejected, again.outside) == (0, 17, 0, 483)
    assert Incident.objects.count() == 17


def test_real_sample_groups(police_sample):
    parsed = list(parse_police_events(load_sample(police_sample)))
    counts = Counter(item.offence_group for item in parsed)
    assert counts == {
        "other": 193,
        "traffic": 185,
        "violence": 35,
        "fire": 31,
        "theft": 16,
        "disturbance": 14,
        "other_burglary": 12,
        "vandalism": 12,
        "residential_burglary": 2,
    }
    homes = [item.summary for item in parsed if item.offence_group == "residential_burglary"]
    assert sorted(homes) == [
        "Inbrott i bostad.",
        "Inbrott i fritidshus, två gärningspersoner frihetsberövade.",
    ]


def test_real_sample_is_county_era_and_never_precise(police_sample):
    parsed = {item.external_id: item for item in parse_police_events(load_sample(police_sample))}
    assert not any(item.precise for item in parsed.values())

    fire = parsed["650297"]
    assert (fire.municipality_name, fire.municipality_code) == ("Kävlinge", "")
    assert fire.county == "Skåne län"
    assert (fire.lat, fire.lon) == (55.990257, 13.595769)  # Skåne's centre, not the scene
    assert fire.occurred_at == datetime(2026, 8, 22, 17, 59, tzinfo=STOCKHOLM)

    # Published "2026-08-22 9:13:04 +02:00"; it happened at "22 augusti 05.43".
    assert parsed["650273"].occurred_at == datetime(2026, 8, 22, 5, 43, tzinfo=STOCKHOLM)

    norrbotten = [i for i in parsed.values() if i.municipality_code.startswith("25")]
    assert len(norrbotten) == 28  # 42 Norrbotten events less 14 county-wide ones


@pytest.mark.django_db
def test_real_sample_counts_for_arvidsjaur_only_what_is_arvidsjaur_s(municipality, police_sample):
    """Even with Arvidsjaur's areas loaded, the feed's points never land in an area; and
    no event of another municipality or county is stored, so none counts for Arvidsjaur
    (the rows without a code are the default municipality's)."""
    incidents_import(incidents=parse_police_events(load_sample(police_sample)))
    assert not Incident.objects.precise().exists()
    assert not Incident.objects.filter(area__isnull=False).exists()
    assert not Incident.objects.filter(external_id="650297").exists()  # Kävlinge

    arvidsjaur = Incident.objects.in_municipality("2505")
    assert arvidsjaur.count() == 3
    assert set(arvidsjaur.values_list("type_label", flat=True)) == {
        "Skyddslagen",
        "Trafikolycka, vilt",
        "Trafikkontroll",
    }
    county_wide = Incident.objects.filter(municipality_code="")
    assert county_wide.count() == 14
    assert set(county_wide.values_list("municipality_name", flat=True)) == {""}
    assert Incident.objects.for_code("2505").count() == 17


@pytest.mark.django_db
def test_real_sample_keeps_every_served_municipality_s_events(arjeplog, police_sample, settings):
    """Served by name too: a municipality the code table does not know (Umeå, 2480, in
    Västerbotten) is matched by its row's name, and its county's events are kept."""
    from tryggve.areas.models import Municipality

    umea = Municipality.objects.get(code="2506")
    umea.code, umea.name, umea.slug, umea.hosts = "2480", "Umeå kommun", "umea", ""
    umea.save()
    incidents_import(incidents=parse_police_events(load_sample(police_sample)))
    stored = Counter(Incident.objects.values_list("municipality_code", flat=True))
    parsed = list(parse_police_events(load_sample(police_sample)))
    umea_events = [i for i in parsed if i.municipality_name == "Umeå"]
    assert umea_events and stored["2480"] == len(umea_events)
    assert stored["2505"] == 3
    county_wide = {"Norrbottens län", "Västerbottens län"}
    county_events = [i for i in parsed if not i.municipality_name and i.county in county_wide]
    assert stored[""] == len(county_events)


@pytest.mark.django_db
def test_old_era_point_is_the_municipality_centre_never_an_area(municipality):
    old = event(
        id=99,
        datetime="2018-02-01 12:00:00 +01:00",
        name="1 februari 11.30, Skadegörelse, Arvidsjaur",
        type="Skadegörelse",
        location={"name": "Arvidsjaur", "gps": ARVIDSJAUR_CENTRE},
    )
    incidents_import(incidents=parse_police_events([old]))
    incident = Incident.objects.get()
    assert incident.municipality_code == "2505"
    assert (incident.precise, incident.area) == (False, None)
    assert Incident.objects.in_municipality("2505").of_group("vandalism").count() == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
event_like = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values | st.integers(min_value=1),
        "datetime": json_values | st.just("2026-08-22 7:32:06 +02:00"),
        "name": json_values | st.just("22 augusti 7.05, Brand, Boden"),
        "summary": json_values,
        "url": json_values,
        "type": json_values | st.sampled_from(["Inbrott", "Brand", "Stöld"]),
        "location": json_values
        | st.fixed_dictionaries({"name": json_values, "gps": json_values | st.just("65,19")}),
    },
)


@settings(max_examples=50, deadline=None)
@given(events=st.lists(event_like | json_values, max_size=6))
def test_any_json_list_gives_incidents_or_rejections(events):
    items = list(parse_police_events(events))
    assert len(items) == len(events)
    for item in items:
        assert isinstance(item, IncidentData | Rejection)
        if isinstance(item, IncidentData):
            assert item.occurred_at.tzinfo is not None
            assert item.precise is False
            assert len(item.external_id) <= 100
