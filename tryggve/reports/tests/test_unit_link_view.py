"""The unit's link /enhet/<token>/ (its page, its note, its photos) opens only on the site
of the case's municipality, and the mail carrying it links there (issue 14)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from tryggve.audit.models import AccessLog
from tryggve.conftest import ARJEPLOG
from tryggve.lib import tenancy
from tryggve.lib.tests.imagefiles import jpeg_with_gps
from tryggve.reports.models import ReportEvent, Unit, UnitLink
from tryggve.reports.services import report_assign_unit

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(https?://[^\s]+/enhet/)([A-Za-z0-9_-]+)/")
ARJEPLOG_HOST = {"HTTP_HOST": "trygg.arjeplog.se"}


def _sent_to(report, unit, actor, capture) -> tuple[str, str]:
    """Send `report` to `unit`; the mailed link's address up to /enhet/, and its token."""
    mail.outbox.clear()
    with capture(execute=True):
        report_assign_unit(report=report, unit=unit, actor=actor)
    (sent,) = [m for m in mail.outbox if m.to == [unit.email]]
    return LINK.search(sent.body).groups()


@pytest.fixture
def theirs(settings, arjeplog, make_report, case_handler, django_capture_on_commit_callbacks):
    """A case of Arjeplog sent to Arjeplog's unit, with a photo; its mailed link."""
    settings.SITE_URL = "https://trygg.example.se"
    unit = Unit.objects.create(municipality=arjeplog, name="Gata", email="gata@arjeplog.se")
    with tenancy.serving(arjeplog.code):
        report = make_report(at=ARJEPLOG)
    report.photos.create(image=ContentFile(jpeg_with_gps(), name="x.jpg"))
    report.unit_site, report.unit_token = _sent_to(
        report, unit, case_handler.user, django_capture_on_commit_callbacks
    )
    return report


@pytest.fixture
def ours(settings, municipality, make_report, case_handler, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://trygg.example.se"
    unit = Unit.objects.create(municipality=municipality, name="Gata", email="gata@arvidsjaur.se")
    report = make_report()
    report.photos.create(image=ContentFile(jpeg_with_gps(), name="y.jpg"))
    report.unit_site, report.unit_token = _sent_to(
        report, unit, case_handler.user, django_capture_on_commit_callbacks
    )
    return report


def _pages(report) -> list[str]:
    page = f"/enhet/{report.unit_token}/"
    return [page, f"{page}bild/{report.photos.get().pk}/"]


def test_the_mail_links_to_the_cases_own_site(arjeplog, theirs, ours):
    assert theirs.unit_site == "https://trygg.arjeplog.se/enhet/"
    assert ours.unit_site == "https://trygg.example.se/enhet/"


def test_the_mail_carries_the_prefix_without_a_host_name(
    arjeplog, make_report, case_handler, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://trygg.example.se"
    arjeplog.hosts = ""
    arjeplog.save()
    unit = Unit.objects.create(municipality=arjeplog, name="Gata", email="gata@arjeplog.se")
    with tenancy.serving(arjeplog.code):
        report = make_report(at=ARJEPLOG)
    site, _token = _sent_to(report, unit, case_handler.user, django_capture_on_commit_callbacks)
    assert site == "https://trygg.example.se/arjeplog/enhet/"


def test_arjeplogs_link_opens_only_on_arjeplogs_site(outsider, theirs):
    for page in _pages(theirs):
        assert outsider.get(f"/arjeplog{page}").status_code == 200, page
        assert outsider.get(page, **ARJEPLOG_HOST).status_code == 200, page
        assert outsider.get(page).status_code == 404, page
    # Only the reads on its own site are logged: the page and the photo, twice each.
    assert AccessLog.objects.count() == 4
    assert AccessLog.objects.filter(subject__contains=" bild ").count() == 2


def test_arvidsjaurs_link_opens_only_on_arvidsjaurs_site(outsider, arjeplog, ours):
    for page in _pages(ours):
        assert outsider.get(page).status_code == 200, page
        assert outsider.get(f"/arjeplog{page}").status_code == 404, page
        assert outsider.get(page, **ARJEPLOG_HOST).status_code == 404, page


def test_an_expired_link_on_another_site_is_404_not_410(outsider, theirs):
    UnitLink.objects.update(expires=timezone.now() - timedelta(days=1))
    page = f"/enhet/{theirs.unit_token}/"
    assert outsider.get(page).status_code == 404
    assert outsider.get(f"/arjeplog{page}").status_code == 410


def test_a_note_on_another_site_saves_nothing(outsider, theirs):
    note = f"/enhet/{theirs.unit_token}/besked/"
    assert outsider.post(note, {"text": "Fel sida", "done": "1"}).status_code == 404
    unit_rows = theirs.events.filter(
        kind__in=(ReportEvent.Kind.UNIT_NOTE, ReportEvent.Kind.UNIT_DONE)
    )
    assert not unit_rows.exists()
    response = outsider.post(f"/arjeplog{note}", {"text": "Lampan bytt."})
    assert response.status_code == 302
    assert response["Location"] == f"/arjeplog/enhet/{theirs.unit_token}/"
    assert unit_rows.get().text == "Lampan bytt."
