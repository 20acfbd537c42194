"""/api/reports.geojson: published reports only, validated parameters, bounded size."""

import json
from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryggve.conftest import CENTRUM
from tryggve.reports.models import Report, Status
from tryggve.reports.tests.test_public_map_view import SECRETS, bulk_reports

pytestmark = pytest.mark.django_db
URL = "/api/reports.geojson"


def features(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    return data


def ids(data):
    return {f["id"] for f in data["features"]}


@pytest.fixture
def reports(make_report, municipality):
    light = make_report(published=True, public_text="Mörkt vid torget")
    bush = make_report(
        category="vegetation", at=(65.2650, 19.6300), published=True, status="planned"
    )  # Glommersträsk
    old = make_report(at=(65.8750, 19.4500), published=True, status="resolved")  # Moskosel
    Report.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=400))
    words_only = make_report(at=None, published=True)
    hidden = make_report(description="Hemligt")
    return {"light": light, "bush": bush, "old": old, "words_only": words_only, "hidden": hidden}


def test_feature_shape(citizen, reports):
    data = features(citizen)
    assert data["truncated"] is False
    feature = next(f for f in data["features"] if f["id"] == reports["light"].reference)
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [CENTRUM[1], CENTRUM[0]]}
    props = feature["properties"]
    assert props == {
        "category": "belysning",
        "status": "received",
        "created": reports["light"].created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    # Names and the public page's address once per answer, not in every feature.
    assert data["names"]["category"]["belysning"] == "Belysning"
    assert data["names"]["status"]["received"] == "Mottagen"
    assert data["names"]["status"].keys() == set(Status.values)
    assert data["url"].replace("{id}", feature["id"]) == f"/karta/{reports['light'].reference}/"
    assert set(data) == {"type", "features", "truncated", "names", "url"}


def test_names_follow_the_language(citizen, reports):
    citizen.post("/i18n/setlang/", {"language": "en", "next": "/karta/"})
    data = features(citizen)
    assert data["names"]["status"]["received"] == "Received"


def test_only_published_reports_with_a_position(citizen, reports):
    assert ids(features(citizen)) == {
        reports["light"].reference,
        reports["bush"].reference,
        reports["old"].reference,
    }


def test_no_personal_data_in_output(citizen, make_report, municipality):
    make_report(
        published=True,
        contact_name=SECRETS["name"],
        contact_email=SECRETS["email"],
        contact_phone=SECRETS["phone"],
        description=SECRETS["description"],
        place_description="Olles hus",
    )
    body = citizen.get(URL).content.decode()
    for secret in [*SECRETS.values(), "Olles hus"]:
        assert secret not in body
        assert json.dumps(secret)[1:-1] not in body  # nor JSON-escaped


def test_bbox_filters(citizen, reports):
    around_town = "19.1,65.5,19.3,65.7"
    assert ids(features(citizen, bbox=around_town)) == {reports["light"].reference}
    assert ids(features(citizen, bbox="19.0,65.0,20.0,66.0")) == {
        reports["light"].reference,
        reports["bush"].reference,
        reports["old"].reference,
    }
    assert ids(features(citizen, bbox="10,55,11,56")) == set()
    # The edge is inclusive.
    lat, lon = CENTRUM
    assert ids(features(citizen, bbox=f"{lon},{lat},{lon},{lat}")) == {reports["light"].reference}


def test_category_status_and_since_filters(citizen, reports):
    assert ids(features(citizen, category="vegetation")) == {reports["bush"].reference}
    assert ids(features(citizen, status="resolved")) == {reports["old"].reference}
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert ids(features(citizen, since=since)) == {
        reports["light"].reference,
        reports["bush"].reference,
    }
    assert ids(
        features(
            citizen,
            category="belysning",
            status="received",
            bbox="19.1,65.5,19.3,65.7",
            since=since,
        )
    ) == {reports["light"].reference}
    assert ids(features(citizen, since="0001-01-01")) == ids(features(citizen))
    assert ids(features(citizen, since="9999-12-31")) == set()


def test_empty_parameters_mean_no_filter(citizen, reports):
    assert ids(features(citizen, bbox="", category="", status="", since="")) == ids(
        features(citizen)
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "1,2,3"}, "bbox ska vara fyra tal"),
        ({"bbox": "1,2,3,4,5"}, "bbox ska vara fyra tal"),
        ({"bbox": "a,b,c,d"}, "bbox ska vara fyra tal"),
        ({"bbox": "19,65,,66"}, "bbox ska vara fyra tal"),
        ({"bbox": "1_9,65,20,66"}, "bbox ska vara fyra tal"),
        ({"bbox": "nan,65,20,66"}, "ändliga tal"),
        ({"bbox": "19,65,inf,66"}, "ändliga tal"),
        ({"bbox": "-inf,65,20,66"}, "ändliga tal"),
        ({"bbox": "20,65,19,66"}, "minsta värdet ska komma före största"),
        ({"bbox": "19,66,20,65"}, "minsta värdet ska komma före största"),
        ({"bbox": "-181,65,20,66"}, "Longitud i bbox"),
        ({"bbox": "19,65,20,91"}, "Latitud i bbox"),
        ({"bbox": "19,-90.5,20,66"}, "Latitud i bbox"),
        ({"category": "finns-inte"}, "Okänd kategori: finns-inte"),
        ({"category": "bely\x00sning"}, "Okänd kategori"),
        ({"status": "open"}, "Okänd status: open"),
        ({"status": "\x00"}, "Okänd status"),
        ({"since": "igår"}, "since ska vara ett datum"),
        ({"since": "2026-02-30"}, "since ska vara ett datum"),
        ({"since": "2026-13-01"}, "since ska vara ett datum"),
        ({"since": "31/01/2026"}, "since ska vara ett datum"),
    ],
)
def test_bad_parameters_give_400_with_a_message(citizen, reports, params, message):
    response = citizen.get(URL, params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_long_bad_value_is_cut_in_the_message(citizen, municipality):
    response = citizen.get(URL, {"category": "x" * 10_000})
    assert response.status_code == 400
    assert len(response.json()["error"]) < 200


def test_only_get(citizen, municipality):
    assert citizen.post(URL).status_code == 405
    # HEAD as GET, without a body (a monitor or a cache asks so).
    head = citizen.head(URL)
    assert (head.status_code, head.content) == (200, b"")


def test_the_answer_varies_by_the_language_cookie(citizen, municipality):
    """The names follow the language cookie (not Accept-Language): a shared cache must
    keep one answer per cookie."""
    vary = {v.strip() for v in citizen.get(URL)["Vary"].split(",")}
    assert "Cookie" in vary


def test_at_most_500_features_newest_first_and_truncated_flag(citizen, municipality, settings):
    bulk_reports(501)
    data = features(citizen)
    assert len(data["features"]) == 500
    assert data["truncated"] is True
    created = [f["properties"]["created"] for f in data["features"]]
    assert created == sorted(created, reverse=True)
    assert (
        ids(features(citizen, bbox="19.17,65.585,19.1702,65.6"))
        and not features(citizen, bbox="19.17,65.585,19.1702,65.6")["truncated"]
    )


def test_exactly_the_limit_is_not_truncated(citizen, municipality, settings):
    settings.GEOJSON_MAX_FEATURES = 10
    bulk_reports(10)
    data = features(citizen)
    assert (len(data["features"]), data["truncated"]) == (10, False)
    bulk_reports_extra = Report.objects.first()
    Report.objects.create(
        reference="TST-2026-99999",
        tracking_token_hash="f" * 64,
        category=bulk_reports_extra.category,
        lat=65.59,
        lon=19.18,
        time_of_day="day",
        severity=1,
        description="x",
        published=True,
    )
    data = features(citizen)
    assert (len(data["features"]), data["truncated"]) == (10, True)


# Categories, at most three bounded steps finding the ids, and the rows themselves; a
# category filter adds one to check that the category exists.
MAX_QUERIES = 5


@pytest.mark.parametrize("filtered", [False, True])
def test_query_count_does_not_grow_with_reports(
    citizen, municipality, filtered, django_assert_max_num_queries
):
    params = (
        {
            "category": "belysning",
            "status": "received",
            "since": "2020-01-01",
            "bbox": "19,65,20,66",
        }
        if filtered
        else {}
    )
    # The served municipality's row is cached (areas.serving) after the first answer.
    features(citizen)
    total = 0
    for n in (3, 300, 700):
        bulk_reports(n, offset=total)
        total += n
        with django_assert_max_num_queries(MAX_QUERIES + filtered):
            data = features(citizen, **params)
        expected = (
            total
            if not filtered
            else min(500, Report.objects.filter(category__slug="belysning").count())
        )
        assert len(data["features"]) == min(500, expected)


PARAM_NAMES = st.sampled_from(["bbox", "category", "status", "since", "sida", "x"])
NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["nan", "inf", "-inf", "1e999", "", " ", "0x10", "1_0", "١٢"]),
)
VALUE = st.one_of(
    st.text(max_size=30),
    st.lists(NUMBER_TEXT, min_size=0, max_size=6).map(",".join),
    st.sampled_from(
        [
            *Status.values,
            "belysning",
            "vegetation",
            "2026-01-31",
            "0001-01-01",
            "9999-12-31",
            "2026-02-29",
            "\x00",
        ]
    ),
    st.dates().map(str),
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=st.lists(st.tuples(PARAM_NAMES, VALUE), max_size=5))
def test_random_query_strings_never_500(citizen, reports, params):
    from urllib.parse import urlencode

    response = citizen.get(URL + "?" + urlencode(params))
    assert response.status_code in (200, 400), (params, response.status_code)
    data = response.json()
    if response.status_code == 400:
        assert data["error"]
    else:
        assert reports["hidden"].reference not in ids(data)
