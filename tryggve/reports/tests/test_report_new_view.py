import html
import re
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tryggve.areas.selectors import home_municipality
from tryggve.conftest import CENTRUM, OUTSIDE
from tryggve.lib.tests.imagefiles import encode, jpeg_with_gps, noise_image, one_colour_png
from tryggve.reports import pending
from tryggve.reports.models import Category, Report, ReportEvent, Voice
from tryggve.reports.models import ReportPhoto as Photo
from tryggve.reports.tests.test_models import offset


def form_data(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
        "place_description": "",
        # The default municipality's (a second one served keeps its own copy).
        "category": Category.objects.for_municipality(home_municipality()).get(slug="belysning").pk,
        "time_of_day": "evening",
        "severity": "3",
        "description": "Gatlampan är trasig.",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def field_error(response, name: str) -> str:
    """The text of the message shown next to a field (empty if none)."""
    match = re.search(rf'id="id_{name}_error">(.*?)</div>', response.content.decode(), re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def jpeg_upload(name="gatlampa.jpg", content=None):
    return SimpleUploadedFile(name, content or jpeg_with_gps(), content_type="image/jpeg")


@pytest.mark.django_db
def test_resident_files_report_and_sees_receipt(
    citizen, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post("/rapportera/", form_data(contact_email="anna@example.se"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.area.name == "Centrum"
    receipt = citizen.get(response["Location"])
    assert report.reference in receipt.content.decode()
    assert "/rapport/" in receipt.content.decode()
    assert len(mail.outbox) == 1
    assert report.reference in mail.outbox[0].subject


@pytest.mark.django_db
def test_receipt_link_opens_the_tracking_page(citizen, municipality):
    citizen.post("/rapportera/", form_data())
    body = citizen.get("/rapportera/kvitto/").content.decode()
    path = re.search(r'href="(/rapport/[^"]+/)"', body).group(1)
    tracking = citizen.get(path)
    assert tracking.status_code == 200
    assert Report.objects.get().reference in tracking.content.decode()


@pytest.mark.django_db
def test_receipt_without_a_report_sends_back_to_the_form(citizen, municipality):
    response = citizen.get("/rapportera/kvitto/")
    assert response.status_code == 302
    assert response["Location"] == "/rapportera/"


@pytest.mark.django_db
def test_form_page_has_a_fresh_submission_key_each_time(citizen, municipality):
    keys = {
        re.search(
            r'name="submission_key" value="([^"]+)"', citizen.get("/rapportera/").content.decode()
        ).group(1)  # noqa: E501
        for _ in range(2)
    }
    assert len(keys) == 2
    for key in keys:
        uuid.UUID(key)


@pytest.mark.django_db
def test_position_outside_municipality_is_refused_and_text_kept(citizen, municipality):
    response = citizen.post(
        "/rapportera/",
        form_data(lat=OUTSIDE[0], lon=OUTSIDE[1], description="Min text ska finnas kvar"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "utanför Arvidsjaurs kommun" in body
    assert "Platsen ligger utanför Arvidsjaurs kommun" in field_error(response, "lat")
    assert "Min text ska finnas kvar" in body
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_double_submit_saves_once(citizen, municipality):
    data = form_data()
    first = citizen.post("/rapportera/", data)
    second = citizen.post("/rapportera/", data)
    assert first.status_code == second.status_code == 302
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_description_only_report_without_map(citizen, municipality):
    response = citizen.post(
        "/rapportera/", form_data(lat="", lon="", place_description="Gångtunneln under E45")
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.lat, report.lon, report.area) == (None, None, None)
    assert report.place_description == "Gångtunneln under E45"


@pytest.mark.django_db
def test_neither_position_nor_words_is_refused(citizen, municipality):
    response = citizen.post("/rapportera/", form_data(lat="", lon="", place_description="  "))
    assert response.status_code == 200
    assert "beskriv platsen med ord" in field_error(response, "place_description")
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["lat", "lon"])
def test_half_a_position_is_refused(citizen, municipality, missing):
    response = citizen.post(
        "/rapportera/", form_data(**{missing: ""}, place_description="Vid kyrkan")
    )
    assert response.status_code == 200
    assert "Ange både latitud och longitud" in field_error(response, "lat")
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("category", "Välj vad som gör platsen otrygg."),
        ("time_of_day", "Välj när platsen känns otrygg."),
        ("severity", "Välj hur otrygg platsen känns."),
        ("description", "Beskriv kort vad som gör platsen otrygg."),
    ],
)
def test_missing_required_field_gets_a_swedish_message(citizen, municipality, field, message):
    data = form_data(contact_name="Anna Andersson", place_description="Vid torget")
    del data[field]
    response = citizen.post("/rapportera/", data)
    assert response.status_code == 200
    assert field_error(response, field) == message
    body = response.content.decode()
    assert "Något behöver rättas innan du kan skicka" in body
    assert 'value="Anna Andersson"' in body
    assert 'value="Vid torget"' in body
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": "nan"}, "lat"),
        ({"lat": "NaN", "lon": "NaN"}, "lat"),
        ({"lon": "inf"}, "lon"),
        ({"lat": "-Infinity"}, "lat"),
        ({"lat": "1e309"}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"lon": "-180.0001"}, "lon"),
        ({"lat": "sextiofem"}, "lat"),
        ({"severity": "mycket"}, "severity"),
        ({"severity": "9"}, "severity"),
        ({"severity": "3.0"}, "severity"),
        ({"category": "999999"}, "category"),
        ({"category": "99999999999999999999999999"}, "category"),
        ({"category": "belysning"}, "category"),
        ({"category": "-1"}, "category"),
        ({"time_of_day": "midnight"}, "time_of_day"),
        ({"description": "x" * 4001}, "description"),
        ({"place_description": "x" * 301}, "place_description"),
        ({"description": "Farlig\x00plats"}, "description"),
        ({"contact_name": "Anna\x00"}, "contact_name"),
        ({"contact_email": "inte en adress"}, "contact_email"),
        ({"contact_phone": "ring mig"}, "contact_phone"),
        ({"submission_key": "inte-en-uuid"}, "submission_key"),
    ],
)
def test_invalid_values_come_back_with_a_message_never_500(citizen, municipality, overrides, field):
    response = citizen.post("/rapportera/", form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_damaged_form_key_is_named_in_swedish_and_renewed(citizen, municipality):
    response = citizen.post("/rapportera/", form_data(submission_key="inte-en-uuid"))
    page = response.content.decode()
    assert "Formuläret var skadat. Skicka det igen härifrån." in page
    assert "Submission key" not in page
    fresh = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    uuid.UUID(fresh)
    # Sent again as rendered (with what was typed): saved.
    response = citizen.post("/rapportera/", form_data(submission_key=fresh))
    assert response.status_code == 302, response.content[:500]
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_inactive_category_cannot_be_chosen(citizen, municipality):
    Category.objects.filter(slug="belysning").update(active=False)
    response = citizen.post("/rapportera/", form_data())
    assert "category" in response.context["form"].errors
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_html_in_the_text_is_escaped_on_re_render(citizen, municipality):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = citizen.post(
        "/rapportera/",
        form_data(
            description=hostile, place_description=hostile, contact_name=hostile, severity=""
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


@pytest.mark.django_db
def test_html_in_the_text_is_stored_as_text_and_escaped_on_tracking(citizen, municipality):
    hostile = "<b>fet</b> & <script>alert(1)</script>"
    citizen.post("/rapportera/", form_data(description=hostile))
    assert Report.objects.get().description == hostile
    body = citizen.get(
        re.search(
            r'href="(/rapport/[^"]+/)"', citizen.get("/rapportera/kvitto/").content.decode()
        ).group(1)
    ).content.decode()  # noqa: E501
    assert "<script>alert(1)</script>" not in body
    assert "&lt;b&gt;fet&lt;/b&gt; &amp; &lt;script&gt;" in body


@pytest.mark.django_db
def test_huge_body_is_refused_cleanly(citizen, municipality):
    response = citizen.post("/rapportera/", form_data(description="å" * 3_000_000))
    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_garbage_post_never_500(citizen, municipality):
    for data in (
        {},
        {"submission_key": ""},
        {"agree_with": "OTR-2026-00001"},
        {"agree_with": "x\x00y", "time_of_day": "\x00"},
        {"confirm_new": "ja"},
    ):
        response = citizen.post("/rapportera/", data)
        assert response.status_code == 200, data
    assert not Report.objects.exists()


# Nearby reports of the same kind


@pytest.fixture
def earlier(make_report, municipality):
    return make_report(
        at=offset(CENTRUM, north_m=20), published=True, public_text="Mörkt vid torget"
    )


@pytest.mark.django_db
def test_second_report_nearby_shows_the_earlier_one(citizen, earlier):
    response = citizen.post("/rapportera/", form_data(description="Också mörkt här"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Någon har redan rapporterat något liknande här" in body
    assert f'name="agree_with" value="{earlier.reference}"' in body
    assert 'name="confirm_new"' in body
    assert response.context["nearby"] == [earlier]
    assert "Inom 25 m härifrån" in body  # rounded up, never to the metre
    assert "Också mörkt här" in body  # what the resident typed stays
    assert Report.objects.count() == 1
    # The earlier resident's own words are not shown to a stranger.
    assert "Gatlampan vid skolan är trasig." not in body


@pytest.mark.django_db
def test_agree_with_adds_a_voice_instead_of_filing(citizen, earlier):
    data = form_data()
    citizen.post("/rapportera/", data)
    response = citizen.post("/rapportera/", {**data, "agree_with": earlier.reference})
    assert response.status_code == 302
    assert response["Location"] == "/rapportera/tack/"
    assert Report.objects.count() == 1
    earlier.refresh_from_db()
    assert earlier.voice_count == 1
    assert Voice.objects.get().time_of_day == "evening"
    thanks = citizen.get("/rapportera/tack/")
    assert earlier.reference in thanks.content.decode()
    # Agreeing again from the same browser does not count twice.
    citizen.post("/rapportera/", {**data, "agree_with": earlier.reference})
    earlier.refresh_from_db()
    assert earlier.voice_count == 1


@pytest.mark.django_db
def test_agree_with_a_closed_report_files_nothing_and_adds_nothing(
    citizen, make_report, municipality
):
    closed = make_report(at=offset(CENTRUM, north_m=20), status="resolved")
    response = citizen.post("/rapportera/", form_data(agree_with=closed.reference, confirm_new="1"))
    assert response.status_code == 302
    assert response["Location"] == "/rapportera/kvitto/"
    closed.refresh_from_db()
    assert closed.voice_count == 0


@pytest.mark.django_db
def test_confirm_new_files_the_report(citizen, earlier):
    data = form_data()
    citizen.post("/rapportera/", data)
    response = citizen.post("/rapportera/", {**data, "confirm_new": "1"})
    assert response.status_code == 302
    assert Report.objects.count() == 2
    assert Report.objects.exclude(pk=earlier.pk).get().description == "Gatlampan är trasig."


@pytest.mark.django_db
def test_nearby_ignores_other_categories_far_and_closed_reports(citizen, make_report, municipality):
    make_report(category="vegetation", at=offset(CENTRUM, north_m=5))
    make_report(at=offset(CENTRUM, north_m=70))
    make_report(at=offset(CENTRUM, north_m=5), status="resolved")
    response = citizen.post("/rapportera/", form_data())
    assert response.status_code == 302
    assert Report.objects.count() == 4


@pytest.mark.django_db
def test_description_only_report_is_never_held_as_duplicate(citizen, earlier):
    response = citizen.post("/rapportera/", form_data(lat="", lon="", place_description="Torget"))
    assert response.status_code == 302


# Photos through the form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("brev.jpg", b"Hej, det har ar text.\n" * 20, "image/jpeg"),
            "brev.jpg gick inte att läsa som en bild. Är filen trasig?",
        ),
        (
            SimpleUploadedFile("rolig.gif", encode(noise_image().convert("P"), "GIF"), "image/gif"),
            "rolig.gif är inte en JPEG-, PNG- eller WebP-bild.",
        ),
        (
            SimpleUploadedFile("bomb.png", one_colour_png(20_000, 20_000), "image/png"),
            "bomb.png har för många bildpunkter.",
        ),
        (
            SimpleUploadedFile(
                "halv.jpg", encode(noise_image((200, 200)), "JPEG")[:3000], "image/jpeg"
            ),  # noqa: E501
            "halv.jpg gick inte att läsa som en bild. Är filen trasig?",
        ),
        (
            SimpleUploadedFile(
                "stor.jpg", b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024), "image/jpeg"
            ),
            "stor.jpg är större än 10 MB.",
        ),
    ],
    ids=["text", "gif", "bomb", "truncated", "too-big"],
)
def test_bad_photo_gives_a_message_and_keeps_everything_typed(
    citizen, municipality, upload, message
):
    data = form_data(
        description="Min beskrivning",
        place_description="Vid macken",
        contact_name="Anna Andersson",
        contact_email="anna@example.se",
        contact_phone="070-123 45 67",
        time_of_day="night",
        severity="4",
    )
    response = citizen.post("/rapportera/", {**data, "photos": [upload]})
    assert response.status_code == 200
    assert field_error(response, "photos") == message
    body = response.content.decode()
    for value in (
        "Min beskrivning",
        'value="Vid macken"',
        'value="Anna Andersson"',
        'value="anna@example.se"',
        'value="070-123 45 67"',
        f'value="{data["submission_key"]}"',
    ):
        assert value in body
    assert re.search(r'value="night"[^>]*checked', body)
    assert re.search(r'value="4"[^>]*checked', body)
    assert not Report.objects.exists()
    assert pending.pending_names(uuid.UUID(data["submission_key"])) == []


@pytest.mark.django_db
def test_good_photo_survives_a_re_render_and_is_attached_at_the_end(citizen, municipality):
    data = form_data()
    del data["description"]
    key = uuid.UUID(data["submission_key"])
    response = citizen.post("/rapportera/", {**data, "photos": [jpeg_upload()]})
    assert response.status_code == 200
    assert "Du har bifogat 1 bild" in response.content.decode()
    assert len(pending.pending_names(key)) == 1

    response = citizen.post("/rapportera/", {**data, "description": "Nu med text"})
    assert response.status_code == 302
    report = Report.objects.get()
    photo = report.photos.get()
    assert not photo.approved
    with photo.image.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert pending.pending_names(key) == []


@pytest.mark.django_db
def test_good_and_bad_photo_together(citizen, municipality):
    data = form_data()
    bad = SimpleUploadedFile("fel.jpg", b"nope", "image/jpeg")
    png = SimpleUploadedFile("ok.png", encode(noise_image().convert("RGBA"), "PNG"), "image/png")
    response = citizen.post("/rapportera/", {**data, "photos": [png, bad]})
    assert response.status_code == 200
    assert "fel.jpg" in field_error(response, "photos")
    assert not Report.objects.exists()
    response = citizen.post("/rapportera/", data)
    assert response.status_code == 302
    assert Photo.objects.count() == 1


@pytest.mark.django_db
def test_more_than_three_photos_are_refused(citizen, municipality):
    data = form_data()
    uploads = [jpeg_upload(f"bild{i}.jpg") for i in range(4)]
    response = citizen.post("/rapportera/", {**data, "photos": uploads})
    assert response.status_code == 200
    assert field_error(response, "photos") == "Du kan bifoga högst 3 bilder."
    assert not Report.objects.exists()
    assert len(pending.pending_names(uuid.UUID(data["submission_key"]))) == 3
    # A fourth in a later round is refused too.
    response = citizen.post("/rapportera/", {**data, "photos": [jpeg_upload()]})
    assert field_error(response, "photos") == "Du kan bifoga högst 3 bilder."
    response = citizen.post("/rapportera/", data)
    assert response.status_code == 302
    assert Report.objects.get().photos.count() == 3


@pytest.mark.django_db
def test_a_pending_photo_can_be_removed(citizen, municipality):
    data = form_data(description="")
    key = uuid.UUID(data["submission_key"])
    citizen.post("/rapportera/", {**data, "photos": [jpeg_upload(), jpeg_upload("b.jpg")]})
    names = pending.pending_names(key)
    assert len(names) == 2
    response = citizen.post(
        "/rapportera/", {**data, "description": "Klart", "remove_photos": [names[0]]}
    )
    assert response.status_code == 302
    assert Report.objects.get().photos.count() == 1


@pytest.mark.django_db
def test_remove_photos_cannot_reach_outside_the_pending_folder(citizen, municipality, settings):
    victim = settings.MEDIA_ROOT / "photos" / "keep.jpg"
    victim.parent.mkdir(parents=True)
    victim.write_bytes(b"x")
    data = form_data(description="", remove_photos=["../../photos/keep.jpg", "/etc/passwd"])
    response = citizen.post("/rapportera/", data)
    assert response.status_code == 200
    assert victim.exists()


@pytest.mark.django_db
def test_report_without_photos_has_none(citizen, municipality):
    citizen.post("/rapportera/", form_data())
    assert Photo.objects.count() == 0
    assert ReportEvent.objects.get().kind == "created"


# The example of coordinates is the served municipality's (issue 14) ------------------------

EXAMPLE = re.compile(r"till exempel latitud (\d+\.\d{4}) och longitud (\d+\.\d{4})\.")


def _example(client, path: str, pattern=EXAMPLE, **extra) -> tuple[float, float]:
    match = pattern.search(client.get(path, **extra).content.decode())
    assert match, path
    return float(match.group(1)), float(match.group(2))


@pytest.mark.django_db
def test_the_coordinates_example_lies_in_the_municipality_served(citizen, arjeplog, municipality):
    ours = _example(citizen, "/rapportera/")
    theirs = _example(citizen, "/arjeplog/rapportera/")
    assert municipality.contains_point(*ours) and not arjeplog.contains_point(*ours)
    assert arjeplog.contains_point(*theirs) and not municipality.contains_point(*theirs)
    assert _example(citizen, "/rapportera/", HTTP_HOST="trygg.arjeplog.se") == theirs


@pytest.mark.django_db
def test_the_coordinates_example_in_english_keeps_its_decimal_point(citizen, arjeplog):
    from django.conf import settings

    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = re.compile(r"for example latitude (\d+\.\d{4}) and longitude (\d+\.\d{4})\.")
    assert arjeplog.contains_point(*_example(citizen, "/arjeplog/rapportera/", english))
