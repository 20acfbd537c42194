"""Public pages: start, map and list, one report, voices, photos. No personal data."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tryggve.lib.images import clean_image
from tryggve.lib.tests.imagefiles import jpeg_with_gps
from tryggve.reports.models import Category, Report, ReportEvent

pytestmark = pytest.mark.django_db

SECRETS = {
    "name": "Kalle Kontaktsson",
    "email": "kalle.kontakt@example.se",
    "phone": "070-987 65 43",
    "description": "Min egen text: grannen Olle dricker i parken.",
}


@pytest.fixture
def shown(make_report, municipality):
    """A published report whose resident left contact details and a private text."""
    report = make_report(
        published=True,
        public_text="Trasig gatlampa vid busshållplatsen.",
        contact_name=SECRETS["name"],
        contact_email=SECRETS["email"],
        contact_phone=SECRETS["phone"],
        description=SECRETS["description"],
        place_description="Utanför Olles hus",
        photos=[clean_image(jpeg_with_gps()), clean_image(jpeg_with_gps())],
    )
    first, second = report.photos.all()
    first.approved = True
    first.save()
    report.approved_photo, report.unapproved_photo = first, second
    return report


@pytest.fixture
def hidden(make_report, municipality):
    return make_report(
        category="vegetation",
        description="Opublicerad text om sly",
        photos=[clean_image(jpeg_with_gps())],
    )


PUBLIC_PAGES = [
    "/",
    "/rapportera/",
    "/karta/",
    "/personuppgifter/",
    "/tillganglighet/",
    "/api/reports.geojson",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_answers_200(citizen, municipality, path):
    assert citizen.get(path).status_code == 200


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_work_without_any_geography(citizen, db, path):
    assert citizen.get(path).status_code == 200


@pytest.mark.parametrize("path", PUBLIC_PAGES + ["/karta/{reference}/"])
def test_no_personal_data_and_no_unpublished_report_on_public_pages(citizen, shown, hidden, path):
    response = citizen.get(path.format(reference=shown.reference))
    assert response.status_code == 200
    body = response.content.decode()
    for secret in SECRETS.values():
        assert secret not in body
    assert "Olles hus" not in body
    assert hidden.reference not in body
    assert "Opublicerad text om sly" not in body
    assert shown.tracking_token not in body


def test_english_pages_show_no_personal_data_either(citizen, shown):
    citizen.cookies["django_language"] = "en"
    body = citizen.get(f"/karta/{shown.reference}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lighting" in body
    for secret in SECRETS.values():
        assert secret not in body


def test_map_list_shows_published_reports(citizen, shown, hidden):
    body = citizen.get("/karta/").content.decode()
    assert shown.reference in body
    assert "Trasig gatlampa vid busshållplatsen." in body
    assert "1 rapport" in body


def test_public_report_page(citizen, shown):
    ReportEvent.objects.create(
        report=shown,
        kind="public_update",
        audience="resident",
        text="Till Anna: lampan lagas i maj.",
        public_text="Lampan lagas i maj.",
    )
    ReportEvent.objects.create(report=shown, kind="note", text="Hemlig anteckning")
    body = citizen.get(f"/karta/{shown.reference}/").content.decode()
    assert "Trasig gatlampa vid busshållplatsen." in body
    assert "Lampan lagas i maj." in body
    assert "Hemlig anteckning" not in body
    assert f"/karta/bild/{shown.approved_photo.pk}/" in body
    assert f"/karta/bild/{shown.unapproved_photo.pk}/" not in body


@pytest.mark.parametrize("reference", ["{hidden}", "OTR-1999-00001", "a%00b", "..", "x" * 300])
def test_unpublished_or_unknown_report_is_404(citizen, hidden, reference):
    assert citizen.get(f"/karta/{reference.format(hidden=hidden.reference)}/").status_code == 404


def test_public_text_is_escaped(citizen, make_report, municipality):
    report = make_report(published=True, public_text="<script>alert(1)</script>")
    for path in ("/karta/", f"/karta/{report.reference}/"):
        body = citizen.get(path).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# Photos


def test_approved_photo_of_published_report_is_public(citizen, shown):
    response = citizen.get(f"/karta/bild/{shown.approved_photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("public")


def test_unapproved_photo_is_404_publicly(citizen, shown):
    assert citizen.get(f"/karta/bild/{shown.unapproved_photo.pk}/").status_code == 404


def test_unapproved_photo_is_visible_through_the_tracking_link(citizen, shown):
    path = f"/rapport/{shown.tracking_token}/bild/{shown.unapproved_photo.pk}/"
    assert citizen.get(path).status_code == 200


def test_approved_photo_of_unpublished_report_is_404(citizen, hidden):
    hidden.photos.update(approved=True)
    assert citizen.get(f"/karta/bild/{hidden.photos.get().pk}/").status_code == 404


def test_photo_files_are_not_served_as_media(citizen, shown):
    assert citizen.get(f"/media/{shown.approved_photo.image.name}").status_code == 404


# Filters and pagination


def test_filters(citizen, make_report, municipality):
    light = make_report(published=True)
    bush = make_report(category="vegetation", published=True, status="resolved")
    old = make_report(published=True)
    Report.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=100))

    def listed(query):
        body = citizen.get("/karta/?" + query).content.decode()
        return {r for r in (light.reference, bush.reference, old.reference) if r in body}

    assert listed("") == {light.reference, bush.reference, old.reference}
    assert listed("category=vegetation") == {bush.reference}
    assert listed("status=resolved") == {bush.reference}
    assert listed("period=30") == {light.reference, bush.reference}
    assert listed("category=belysning&period=365") == {light.reference, old.reference}


@pytest.mark.parametrize(
    "query",
    [
        "category=finns-inte",
        "status=okand",
        "period=7",
        "sida=abc",
        "sida=-1",
        "sida=99999",
        "category=%00",
        "status=%00",
        "sida=%00",
        "period=1e9",
    ],
)
def test_bad_filters_never_500(citizen, shown, query):
    assert citizen.get("/karta/?" + query).status_code == 200


def test_pagination_keeps_the_filter(citizen, make_report, municipality):
    for _ in range(26):
        make_report(published=True)
    body = citizen.get("/karta/?category=belysning").content.decode()
    assert "26 rapporter" in body
    assert "Sida 1 av 2" in body
    assert "?category=belysning&amp;sida=2" in body
    assert len(re.findall(r'href="/karta/OTR-', body)) == 25
    page2 = citizen.get("/karta/?category=belysning&sida=2").content.decode()
    assert len(re.findall(r'href="/karta/OTR-', page2)) == 1


FILTERED = "/karta/?category=belysning&status=received&period=30"


def test_list_query_count_does_not_grow_with_reports(
    citizen, make_report, municipality, django_assert_num_queries
):
    make_report(published=True)
    with CaptureQueriesContext(connection) as few:
        citizen.get("/karta/")
    with CaptureQueriesContext(connection) as few_filtered:
        citizen.get(FILTERED)
    bulk_reports(200)  # 29 of them about lighting
    with django_assert_num_queries(len(few)):
        response = citizen.get("/karta/")
    assert response.context["total"] == 201
    with django_assert_num_queries(len(few_filtered)):
        response = citizen.get(FILTERED)
    assert len(response.context["page"].object_list) == 25


def bulk_reports(n, offset=0, **fields):
    """Many published reports quickly, across categories."""
    categories = list(Category.objects.for_code("2505"))
    Report.objects.bulk_create(
        Report(
            reference=f"TST-2026-{i:05d}",
            tracking_token_hash=f"{i:064d}",
            category=categories[i % len(categories)],
            lat=65.585 + (i % 50) * 0.0002,
            lon=19.17 + (i // 50) * 0.0002,
            time_of_day="night",
            severity=2,
            description="Privat text",
            published=True,
            public_text=f"Offentlig text {i}",
            contact_email="hemlig@example.se",
            **fields,
        )
        for i in range(offset, offset + n)
    )


def test_start_page_counts_and_lists_recent(citizen, shown, hidden):
    body = citizen.get("/").content.decode()
    assert "2 rapporter har kommit in" in body
    assert f"/karta/{shown.reference}/" in body
    assert hidden.reference not in body


# Voices from the public report page


def test_voice_on_a_public_report_counts_once_per_browser(citizen, outsider, shown):
    path = f"/karta/{shown.reference}/hall-med/"
    first = citizen.post(path, follow=True)
    assert "Tack! Vi har noterat" in first.content.decode()
    again = citizen.post(path, follow=True)
    assert "Du har redan sagt att du håller med" in again.content.decode()
    outsider.post(path)
    shown.refresh_from_db()
    assert shown.voice_count == 2


def test_voice_on_a_closed_report_is_refused(citizen, make_report, municipality):
    closed = make_report(published=True, status="resolved")
    response = citizen.post(f"/karta/{closed.reference}/hall-med/", follow=True)
    assert "Ärendet är avslutat" in response.content.decode()
    closed.refresh_from_db()
    assert closed.voice_count == 0


def test_voice_on_an_unpublished_report_is_404(citizen, hidden):
    assert citizen.post(f"/karta/{hidden.reference}/hall-med/").status_code == 404
    hidden.refresh_from_db()
    assert hidden.voice_count == 0


def test_voice_needs_post(citizen, shown):
    assert citizen.get(f"/karta/{shown.reference}/hall-med/").status_code == 405
