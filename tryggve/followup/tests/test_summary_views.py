"""The annual summary's staff page, downloads, texts and publishing, and the public
archive: anonymous, wrong role and wrong municipality included."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from tryggve.audit.models import AccessLog
from tryggve.followup.models import PublishedSummary, SummaryText

from .conftest import make_promise

pytestmark = pytest.mark.django_db


def url(name: str, year: int, **kwargs) -> str:
    return reverse(f"followup:{name}", kwargs={"year": year, **kwargs})


def test_anonymous_goes_to_login(client, promise, today):
    for target in (url("summary", today.year), url("summary_download_pdf", today.year)):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_an_account_without_a_role_is_refused(staff_without_role, promise, today):
    assert staff_without_role.get(url("summary", today.year)).status_code == 403
    download = url("summary_download_docx", today.year)
    assert staff_without_role.get(download).status_code == 403


def test_a_reader_downloads_word_without_an_access_log_row(council_reader, promise, today):
    response = council_reader.get(url("summary_download_docx", today.year))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text.startswith(f"Årssammanfattning {today.year}")
    assert not AccessLog.objects.exists()  # no personal data in it


def test_a_reader_downloads_the_pdf(council_reader, promise, today):
    response = council_reader.get(url("summary_download_pdf", today.year))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_unknown_format_or_a_year_without_promise_is_a_404(council_reader, promise, today):
    assert (
        council_reader.get(url("summary", today.year) + "arssammanfattning.csv").status_code == 404
    )
    assert council_reader.get(url("summary", today.year - 5)).status_code == 404


def test_a_year_no_date_can_hold_is_a_404(council_reader, promise):
    for year in (0, 10_000, 10**20):
        assert council_reader.get(url("summary", year)).status_code == 404
        assert council_reader.get(url("summary_download_pdf", year)).status_code == 404


def test_another_municipalitys_year_is_a_404(case_handler, other_municipality, today):
    make_promise(other_municipality, today.year - 3)
    assert case_handler.get(url("summary", today.year - 3)).status_code == 404


def test_the_page_shows_due_date_and_download_links(council_reader, promise, today):
    page = council_reader.get(url("summary", today.year)).content.decode()
    assert "Sammanfattningen ska vara klar till rådets möte 10 december." in page
    assert url("summary_download_docx", today.year) in page
    assert "Spara texterna" not in page  # a reader reads the texts, does not edit them


def test_a_reader_may_not_save_texts_or_publish(council_reader, promise, today):
    texts = {"introduction": "Inledning.", "assessment": "", "next_year": ""}
    assert council_reader.post(url("summary_texts", today.year), texts).status_code == 403
    assert council_reader.post(url("summary_publish", today.year)).status_code == 403
    assert not SummaryText.objects.exists()
    assert not PublishedSummary.objects.exists()


def test_an_editor_saves_texts_once_with_history(case_handler, promise, today):
    texts = {"introduction": "Ett tryggare år.", "assessment": "", "next_year": "Belysning."}
    for _ in range(2):  # a double submit
        response = case_handler.post(url("summary_texts", today.year), texts)
        assert response.status_code == 302
    rows = SummaryText.objects.filter(promise=promise).order_by("section")
    assert [(r.section, r.text, r.author_id) for r in rows] == [
        ("introduction", "Ett tryggare år.", case_handler.user.pk),
        ("next_year", "Belysning.", case_handler.user.pk),
    ]
    page = case_handler.get(url("summary", today.year)).content.decode()
    assert "Ett tryggare år." in page
    assert "Tidigare versioner av texterna" in page


def test_a_too_long_text_is_refused_with_a_message_and_nothing_saved(case_handler, promise, today):
    texts = {"introduction": "x" * 20001, "assessment": "", "next_year": ""}
    response = case_handler.post(url("summary_texts", today.year), texts)
    assert response.status_code == 400
    assert "som mest 20000 tecken" in response.content.decode()
    assert not SummaryText.objects.exists()


def test_publishing_keeps_the_pdf_for_the_public_archive(administrator, client, promise, today):
    assert administrator.post(url("summary_publish", today.year)).status_code == 302
    published = PublishedSummary.objects.get()
    public_url = reverse("followup:public_summary", args=[published.pk])
    assert public_url in client.get(reverse("followup:public")).content.decode()
    response = client.get(public_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_archive_serves_only_published_promises_of_this_municipality(
    client, promise, other_promise
):
    from django.core.files.base import ContentFile

    rows = []
    for owner, published in ((promise, False), (other_promise, True)):
        owner.published = published
        owner.save()
        row = PublishedSummary(promise=owner, year=owner.period_start.year)
        row.pdf.save("x.pdf", ContentFile(b"%PDF-1.7"), save=True)
        rows.append(row)
    for row in rows:
        assert client.get(reverse("followup:public_summary", args=[row.pk])).status_code == 404


def test_the_overview_names_the_due_date_and_reminds_a_month_before(
    council_reader, municipality, settings
):
    import datetime
    from unittest import mock

    promise = make_promise(municipality, 2026)
    overview = reverse("followup:overview")
    for day, reminded in ((datetime.date(2026, 6, 1), False), (datetime.date(2026, 11, 20), True)):
        with mock.patch("django.utils.timezone.localdate", return_value=day):
            page = council_reader.get(overview).content.decode()
        assert "Sammanfattningen ska vara klar till rådets möte 10 december." in page
        assert ("Påminnelse:" in page) is reminded
        assert reverse("followup:summary", kwargs={"year": 2026}) in page
    assert promise.period_start.year == 2026
