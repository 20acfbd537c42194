"""Staff pages carry personal data (a resident's name, e-mail and phone on the case page, the
export): the browser keeps no copy, so that the back button after logging out on a shared
computer shows nothing. They were sent without any Cache-Control."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def assert_not_kept(response) -> None:
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_case_page_and_the_export_are_not_kept_by_the_browser(case_handler, make_report):
    report = make_report(contact_name="Anna Andersson", contact_email="anna@example.se")
    page = case_handler.get(f"/personal/arenden/{report.reference}/")
    assert "Anna Andersson" in page.content.decode()
    assert_not_kept(page)
    assert_not_kept(case_handler.get("/personal/arenden/"))
    assert_not_kept(case_handler.get("/personal/arenden/export.csv"))
    assert_not_kept(case_handler.get("/personal/"))


def test_a_view_that_sets_its_own_caching_keeps_it(case_handler, make_report):
    from django.core.files.base import ContentFile

    from tryggve.lib.images import clean_image
    from tryggve.lib.tests.imagefiles import jpeg_with_gps
    from tryggve.reports.models import ReportPhoto

    report = make_report()
    photo = ReportPhoto.objects.create(
        report=report, image=ContentFile(clean_image(jpeg_with_gps()).content, name="a.jpg")
    )
    response = case_handler.get(f"/personal/arenden/{report.reference}/bild/{photo.pk}/")
    assert response["Cache-Control"] == "private, max-age=300"
