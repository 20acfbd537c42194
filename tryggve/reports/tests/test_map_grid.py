"""The public map's answer is the newest published reports in the bbox, whichever path finds
them: the grid indexes on PostgreSQL (`geojson._grid_rows`), the bounded steps elsewhere.

Each answer is compared with the plain ORM query it stands for, over many bboxes from a
street to a continent, with filters, a small cap (so most answers are truncated), two
municipalities and changes made through the services."""

import json
import math
import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tryggve.reports import geojson
from tryggve.reports.models import Category, Report, Status
from tryggve.reports.selectors import categories_here
from tryggve.reports.services import (
    report_change_status,
    report_merge_duplicate,
    report_moderate,
    report_set_category,
)

pytestmark = pytest.mark.django_db
URL = "/api/reports.geojson"
LIMIT = 12
# Where the reports are: Arvidsjaur town (dense), two villages, anywhere around.
PLACES = [(0.6, 65.5917, 19.18, 0.006, 0.022), (0.15, 65.265, 19.63, 0.004, 0.01)]


def _position(rng):
    r = rng.random()
    for share, lat, lon, s_lat, s_lon in PLACES:
        if r < share:
            return round(rng.gauss(lat, s_lat), 6), round(rng.gauss(lon, s_lon), 6)
        r -= share
    return round(rng.uniform(65.1, 66.1), 6), round(rng.uniform(18.1, 20.1), 6)


def seed(n, *, municipalities, rng, offset=0):
    categories = list(Category.objects.all())
    default = next(m for m in municipalities if m is not None)
    now = timezone.now()
    reports = []
    for i in range(offset, offset + n):
        positioned = rng.random() < 0.9
        lat, lon = _position(rng) if positioned else (None, None)
        owner = rng.choice(municipalities)
        # Each municipality files under its own categories (a report without one: the
        # default's, whose categories may carry no municipality either).
        own = [
            c for c in categories if c.municipality_id in {(owner or default).pk, None}
        ] or categories
        reports.append(
            Report(
                reference=f"GRD-2026-{i:05d}",
                tracking_token_hash=f"{i:064d}",
                category=rng.choice(own),
                status=rng.choice(Status.values),
                lat=lat,
                lon=lon,
                place_description="" if positioned else "Vid ån",
                municipality=owner,
                time_of_day="night",
                severity=2,
                description="Privat text",
                published=rng.random() < 0.7,
                public_text=f"Offentlig text {i}",
                # Distinct times, so "newest first" has one answer.
                created=now - timedelta(minutes=7 * i + rng.random()),
            )
        )
    Report.objects.bulk_create(reports)


def view_bbox(rng, zoom):
    lat, lon = _position(rng)
    lon_span = 360 * 1280 / (256 * 2**zoom)
    lat_span = lon_span * math.cos(math.radians(lat)) * 800 / 1280
    return (lon - lon_span / 2, lat - lat_span / 2, lon + lon_span / 2, lat + lat_span / 2)


def expected(query: geojson.MapQuery) -> tuple[list[str], bool]:
    """The plain query the map answers: newest matching published reports, capped."""
    qs = Report.objects.filter(published=True, lat__isnull=False)
    if query.bbox:
        min_lon, min_lat, max_lon, max_lat = query.bbox
        qs = qs.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)
    if query.municipality is not None:
        match = Q(municipality_id=query.municipality)
        if query.with_unassigned:
            match |= Q(municipality__isnull=True)
        qs = qs.filter(match)
    if query.category:
        # The category of that name offered here (each municipality has its own).
        chosen = [c.pk for c in categories_here() if c.slug == query.category][:1]
        qs = qs.filter(category_id__in=chosen)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.since:
        qs = qs.filter(created__gte=timezone.make_aware(datetime.combine(query.since, time.min)))
    refs = list(qs.order_by("-created").values_list("reference", flat=True)[: LIMIT + 1])
    return refs[:LIMIT], len(refs) > LIMIT


def answered(query: geojson.MapQuery) -> tuple[list[str], bool]:
    data = json.loads(geojson.map_answer(query))
    return [f["id"] for f in data["features"]], data["truncated"]


def random_query(rng, municipality, with_unassigned):
    kind = rng.random()
    if kind < 0.05:
        bbox = None
    elif kind < 0.1:
        bbox = (10.0, 55.0, 25.0, 69.0)  # all of Sweden: more cells than the grid takes
    elif kind < 0.15:
        # On cell edges of every level (multiples of 1/2, 1/8, 1/32, 1/128 degree).
        bbox = (19.125, 65.5625, 19.1875, 65.59375)
    else:
        bbox = view_bbox(rng, rng.uniform(7, 17.5))
    f = rng.random()
    return geojson.MapQuery(
        bbox=bbox,
        category=rng.choice(["belysning", "vegetation"]) if f < 0.2 else None,
        status=rng.choice(Status.values) if 0.2 <= f < 0.4 else None,
        since=(timezone.localdate() - timedelta(days=rng.randint(1, 40))) if f > 0.85 else None,
        municipality=municipality,
        with_unassigned=with_unassigned,
    )


def test_answers_equal_the_plain_query(municipality, arjeplog, settings):
    settings.GEOJSON_MAX_FEATURES = LIMIT
    rng = random.Random(14)
    seed(600, municipalities=[municipality, municipality, arjeplog, None], rng=rng)
    truncated = 0
    for _ in range(150):
        served = rng.choice([(municipality.pk, True), (arjeplog.pk, False), (None, False)])
        query = random_query(rng, *served)
        want = expected(query)
        assert answered(query) == want, query
        truncated += want[1]
    # The comparison covered both kinds of answer.
    assert 10 < truncated < 140


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the grid is PostgreSQL's")
def test_the_grid_and_the_bounded_steps_write_the_same_text(municipality, monkeypatch, settings):
    """Byte for byte: the grid statement formats the times itself (to_char), the bounded
    steps in Python; a report's time must read the same on both paths."""
    settings.GEOJSON_MAX_FEATURES = LIMIT
    rng = random.Random(21)
    seed(300, municipalities=[municipality], rng=rng)
    # Times on a whole second and just before one, where formats tend to differ.
    Report.objects.filter(pk__in=Report.objects.order_by("pk").values("pk")[:5]).update(
        created=datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    )
    Report.objects.filter(pk__in=Report.objects.order_by("-pk").values("pk")[:5]).update(
        created=datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    )
    queries = [random_query(rng, municipality.pk, True) for _ in range(30)]
    queries = [q for q in queries if q.bbox and geojson._grid_cells(q.bbox)]
    grid = [geojson.map_answer(q) for q in queries]
    monkeypatch.setattr(geojson, "_grid_rows", lambda *args: None)
    assert [geojson.map_answer(q) for q in queries] == grid
    assert sum('"type":"Feature"' in text for text in grid) >= 10


def test_view_is_scoped_to_the_served_municipality(citizen, municipality, arjeplog, settings):
    settings.GEOJSON_MAX_FEATURES = LIMIT
    rng = random.Random(7)
    # Both municipalities' reports in the same cells, so only the scope tells them apart.
    seed(200, municipalities=[municipality, arjeplog], rng=rng)
    bbox = "19.10,65.55,19.26,65.63"
    ours = citizen.get(URL, {"bbox": bbox}).json()
    theirs = citizen.get("/arjeplog" + URL, {"bbox": bbox}).json()
    box = geojson.MapQuery(bbox=(19.10, 65.55, 19.26, 65.63))
    assert (sorted(f["id"] for f in ours["features"]), ours["truncated"]) == sorted_refs(
        expected(
            geojson.MapQuery(
                **{**box.__dict__, "municipality": municipality.pk, "with_unassigned": True}
            )
        )
    )
    assert (sorted(f["id"] for f in theirs["features"]), theirs["truncated"]) == sorted_refs(
        expected(geojson.MapQuery(**{**box.__dict__, "municipality": arjeplog.pk}))
    )
    mine = set(Report.objects.filter(municipality=arjeplog).values_list("reference", flat=True))
    assert ours["features"] and not {f["id"] for f in ours["features"]} & mine
    assert theirs["features"] and {f["id"] for f in theirs["features"]} <= mine


def sorted_refs(answer):
    refs, truncated = answer
    return sorted(refs), truncated


def test_services_change_the_map_at_once(citizen, make_report, municipality, django_user_model):
    """Publish, unpublish, status, category and duplicate: the next answer follows."""
    actor = django_user_model.objects.create_user("moderator")
    bbox = {"bbox": "19.15,65.58,19.21,65.60"}

    def shown(**params):
        data = citizen.get(URL, {**bbox, **params}).json()
        return {f["id"]: f["properties"] for f in data["features"]}

    report = make_report(status="under_review")
    other = make_report(status="under_review", published=True)
    assert report.reference not in shown()
    report_moderate(
        report=report, public_text="Mörkt", published=True, approved_photo_ids=[], actor=actor
    )
    assert report.reference in shown()
    report_change_status(report=report, to_status=Status.PLANNED, actor=actor)
    assert report.reference in shown(status="planned")
    assert report.reference not in shown(status="under_review")
    vegetation = Category.objects.for_code("2505").get(slug="vegetation")
    report_set_category(report=report, category=vegetation, actor=actor)
    assert shown(category="vegetation")[report.reference]["category"] == "vegetation"
    assert report.reference not in shown(category="belysning")
    report_moderate(
        report=report, public_text="Mörkt", published=False, approved_photo_ids=[], actor=actor
    )
    assert report.reference not in shown()
    report_merge_duplicate(report=other, into=report, actor=actor)
    assert other.reference not in shown()


def test_truncated_only_when_more_match(citizen, municipality, settings):
    settings.GEOJSON_MAX_FEATURES = LIMIT
    seed(LIMIT, municipalities=[municipality], rng=random.Random(3))
    Report.objects.update(published=True, lat=65.59, lon=19.18, place_description="")
    params = {"bbox": "19.17,65.58,19.19,65.60"}
    data = citizen.get(URL, params).json()
    assert (len(data["features"]), data["truncated"]) == (LIMIT, False)
    Report.objects.filter(pk=Report.objects.order_by("created").first().pk).update(
        created=timezone.now() - timedelta(days=9999)
    )
    seed(1, municipalities=[municipality], rng=random.Random(4), offset=LIMIT)
    Report.objects.filter(reference=f"GRD-2026-{LIMIT:05d}").update(
        published=True, lat=65.59, lon=19.18, place_description=""
    )
    data = citizen.get(URL, params).json()
    assert (len(data["features"]), data["truncated"]) == (LIMIT, True)
    assert f"GRD-2026-{LIMIT:05d}" in {f["id"] for f in data["features"]}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the grid indexes are PostgreSQL's")
def test_postgres_walks_the_grid_index(municipality):
    """The query's cell expressions must be exactly the indexes' or PostgreSQL ignores them."""
    # Enough reports, most outside the bbox, that a walk by date costs visibly more.
    seed(3000, municipalities=[municipality], rng=random.Random(5))
    query = geojson.MapQuery(bbox=(19.17, 65.585, 19.19, 65.595))
    with CaptureQueriesContext(connection) as captured:
        geojson.map_answer(query)
    sql = next(q["sql"] for q in captured.captured_queries if "UNION ALL" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_report")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    level, cells = geojson._grid_cells(query.bbox)
    # Every cell read from its level's index alone, without visiting the table.
    assert plan.count(f"Index Only Scan using report_map_grid{level}_idx") == len(cells), plan


def test_a_report_under_another_municipalitys_category_is_still_drawn(
    citizen, municipality, arjeplog
):
    """A report keeps the category it was filed under, even one no longer offered here
    (routed, older data): the map names it instead of failing."""
    theirs = Category.objects.filter(municipality=arjeplog).first()
    assert theirs is not None
    Report.objects.create(
        reference="GRD-2026-99999",
        tracking_token_hash="9" * 64,
        category=theirs,
        status=Status.RECEIVED,
        lat=65.59,
        lon=19.17,
        municipality=municipality,
        time_of_day="night",
        severity=2,
        description="Privat text",
        published=True,
        public_text="Offentlig text",
    )
    response = citizen.get(URL, {"bbox": "19.10,65.55,19.26,65.63"})
    assert response.status_code == 200
    data = response.json()
    (feature,) = data["features"]
    assert data["names"]["category"][feature["properties"]["category"]] == theirs.name
