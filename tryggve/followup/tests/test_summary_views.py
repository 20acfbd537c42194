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


def test_a_reader_downloads_word_and_the_export_is_logged(council_reader, promise, today):
    response = council_reader.get(url("summary_download_docx", today.year))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text.startswith(f"Årssammanfattning {today.year}")
    # The internal version holds the dialogue notes, which may name residents.
    (row,) = AccessLog.objects.all()
    assert row.action == AccessLog.Action.EXPORT
    assert row.actor.username == "radet"
    assert "intern version" in row.subject


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


def test_the_menus_link_without_this_years_promise_says_why(council_reader, today):
    """The follow-up menu links to this year's summary on every page; a municipality without
    this year's promise (a new deployment, January) read a 404 there."""
    overview = council_reader.get(reverse("followup:overview"))
    assert url("summary", today.year) in overview.content.decode()
    response = council_reader.get(url("summary", today.year))
    assert response.status_code == 200
    assert f"inget medborgarlöfte för {today.year}" in response.content.decode()
    assert council_reader.get(url("summary", today.year - 1)).status_code == 404
    assert council_reader.get(url("summary_download_pdf", today.year)).status_code == 404


def test_another_municipalitys_promise_this_year_is_not_shown(case_handler, other_promise, today):
    response = case_handler.get(url("summary", today.year))
    assert response.status_code == 200
    assert other_promise.title not in response.content.decode()
    assert "Ladda ner" not in response.content.decode()


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


# Replaced and withdrawn versions ----------------------------------------------------------


def _published(promise, year: int, content: bytes = b"%PDF-1.7", **kwargs) -> PublishedSummary:
    """A published summary row with a stand-in file (rendering a real PDF is tested above)."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    kwargs.setdefault("published", timezone.now() - datetime.timedelta(hours=1))
    row = PublishedSummary(promise=promise, year=year, **kwargs)
    row.pdf.save("x.pdf", ContentFile(content), save=True)
    return row


def _public(client, row) -> int:
    return client.get(reverse("followup:public_summary", args=[row.pk])).status_code


@pytest.fixture
def two_versions(promise, today):
    import datetime

    from django.utils import timezone

    first = _published(promise, today.year, b"%PDF first", published=timezone.now())
    second = _published(
        promise, today.year, b"%PDF second", published=first.published + datetime.timedelta(1)
    )
    return first, second


def test_only_the_newest_version_is_public_and_listed(client, two_versions):
    first, second = two_versions
    assert _public(client, first) == 404
    assert _public(client, second) == 200
    page = client.get(reverse("followup:public")).content.decode()
    assert reverse("followup:public_summary", args=[second.pk]) in page
    assert reverse("followup:public_summary", args=[first.pk]) not in page


def test_withdrawing_the_newest_serves_the_previous_again_then_none(
    client, case_handler, two_versions, today
):
    first, second = two_versions
    withdraw = url("summary_withdraw", today.year, summary_pk=second.pk)
    for _ in range(2):  # a double submit withdraws once
        assert case_handler.post(withdraw).status_code == 302
    second.refresh_from_db()
    assert second.withdrawn is not None
    assert second.withdrawn_by == case_handler.user
    assert (_public(client, first), _public(client, second)) == (200, 404)
    page = client.get(reverse("followup:public")).content.decode()
    assert reverse("followup:public_summary", args=[first.pk]) in page
    assert reverse("followup:public_summary", args=[second.pk]) not in page

    case_handler.post(url("summary_withdraw", today.year, summary_pk=first.pk))
    assert (_public(client, first), _public(client, second)) == (404, 404)
    assert "Årssammanfattningar" not in client.get(reverse("followup:public")).content.decode()
    staff_page = case_handler.get(url("summary", today.year)).content.decode()
    assert "Avpublicerad" in staff_page
    assert "av Handlaggare" in staff_page  # who withdrew it


def test_staff_still_read_every_version(council_reader, two_versions, today):
    first, second = two_versions
    page = council_reader.get(url("summary", today.year)).content.decode()
    assert "Ersatt av en nyare version, inte publik." in page
    assert "Visas på den publika sidan." in page
    assert "Avpublicera" not in page  # a reader may not withdraw
    for row, content in ((first, b"%PDF first"), (second, b"%PDF second")):
        response = council_reader.get(url("summary_published_pdf", today.year, summary_pk=row.pk))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content


def test_withdrawing_needs_the_publish_role_a_post_and_csrf(
    client, council_reader, staff_without_role, case_handler, two_versions, today
):
    _first, second = two_versions
    withdraw = url("summary_withdraw", today.year, summary_pk=second.pk)
    assert client.post(withdraw).status_code == 302  # anonymous: to the login
    assert staff_without_role.post(withdraw).status_code == 403
    assert council_reader.post(withdraw).status_code == 403
    assert case_handler.get(withdraw).status_code == 405
    case_handler.handler.enforce_csrf_checks = True
    assert case_handler.post(withdraw).status_code == 403
    second.refresh_from_db()
    assert second.withdrawn is None


def test_another_municipalitys_version_is_a_404_for_staff(
    case_handler, council_reader, other_promise, today
):
    row = _published(other_promise, today.year)
    withdraw = url("summary_withdraw", today.year, summary_pk=row.pk)
    assert case_handler.post(withdraw).status_code == 404
    pdf = url("summary_published_pdf", today.year, summary_pk=row.pk)
    assert council_reader.get(pdf).status_code == 404
    row.refresh_from_db()
    assert row.withdrawn is None


def test_the_staff_pdf_route_refuses_anonymous_and_no_role(
    client, staff_without_role, two_versions, today
):
    first, _second = two_versions
    pdf = url("summary_published_pdf", today.year, summary_pk=first.pk)
    response = client.get(pdf)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert staff_without_role.get(pdf).status_code == 403


def test_the_publish_form_says_what_becomes_public(case_handler, promise, today):
    page = case_handler.get(url("summary", today.year)).content.decode()
    assert "Det här blir publikt:" in page
    assert "Det här tas inte med: skälen till uppskjutna och inställda aktiviteter" in page
