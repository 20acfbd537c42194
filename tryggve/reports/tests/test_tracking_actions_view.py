"""The resident's own actions on the tracking page: add information, reopen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.reports.models import Category, Report, ReportEvent, Status
from tryggve.reports.services import report_create


@pytest.fixture
def tracked(municipality):
    report, token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="night",
        severity=2,
        description="Mörkt",
        lat=65.59,
        lon=19.18,
    )
    return report, token


@pytest.mark.django_db
def test_resident_adds_information(citizen, tracked):
    report, token = tracked
    response = citizen.post(
        f"/rapport/{token}/komplettera/", {"text": "Värst efter 22"}, follow=True
    )
    assert "Värst efter 22" in response.content.decode()
    assert report.events.filter(kind=ReportEvent.Kind.RESIDENT_INFO).count() == 1
    empty = citizen.post(f"/rapport/{token}/komplettera/", {"text": ""})
    assert empty.status_code == 200
    assert "Skriv det du vill lägga till" in empty.content.decode()
    assert citizen.post("/rapport/wrong/komplettera/", {"text": "x"}).status_code == 404


@pytest.mark.django_db
def test_reopen_is_offered_only_within_30_days(citizen, tracked):
    report, token = tracked
    assert "Öppna ärendet igen" not in citizen.get(f"/rapport/{token}/").content.decode()
    Report.objects.filter(pk=report.pk).update(status=Status.RESOLVED, closed=timezone.now())
    assert "Öppna ärendet igen" in citizen.get(f"/rapport/{token}/").content.decode()
    citizen.post(f"/rapport/{token}/oppna-igen/", {"text": "Fortfarande mörkt"})
    report.refresh_from_db()
    assert report.status == Status.UNDER_REVIEW
    Report.objects.filter(pk=report.pk).update(
        status=Status.RESOLVED, closed=timezone.now() - timedelta(days=40)
    )
    response = citizen.post(f"/rapport/{token}/oppna-igen/", {"text": "igen"}, follow=True)
    assert "inom 30 dagar" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.RESOLVED


@pytest.mark.django_db
def test_internal_notes_never_reach_the_tracking_page(citizen, tracked, django_user_model):
    report, token = tracked
    ReportEvent.objects.create(report=report, kind="note", text="Hemlig anteckning")
    assert "Hemlig anteckning" not in citizen.get(f"/rapport/{token}/").content.decode()


# Per municipality (issue 14) ---------------------------------------------------------------


@pytest.fixture
def theirs(arjeplog, make_report):
    from tryggve.conftest import ARJEPLOG
    from tryggve.lib import tenancy

    with tenancy.serving(arjeplog.code):
        return make_report(at=ARJEPLOG)


@pytest.mark.django_db
def test_a_post_on_another_municipalitys_site_changes_nothing(citizen, theirs):
    token = theirs.tracking_token
    Report.objects.filter(pk=theirs.pk).update(status=Status.RESOLVED, closed=timezone.now())
    assert citizen.post(f"/rapport/{token}/komplettera/", {"text": "Fel"}).status_code == 404
    assert citizen.post(f"/rapport/{token}/oppna-igen/", {"text": "Fel"}).status_code == 404
    other_host = {"HTTP_HOST": "trygg.arjeplog.se"}
    theirs.refresh_from_db()
    assert theirs.status == Status.RESOLVED
    assert not theirs.events.filter(
        kind__in=(ReportEvent.Kind.RESIDENT_INFO, ReportEvent.Kind.REOPENED)
    ).exists()
    # On its own site (path prefix or host) the same link does what it says.
    response = citizen.post(f"/arjeplog/rapport/{token}/komplettera/", {"text": "Rätt"})
    assert response.status_code == 302
    assert response["Location"] == f"/arjeplog/rapport/{token}/"
    response = citizen.post(f"/rapport/{token}/oppna-igen/", {"text": "Igen"}, **other_host)
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status != Status.RESOLVED
    assert theirs.events.filter(kind=ReportEvent.Kind.RESIDENT_INFO).count() == 1


@pytest.mark.django_db
def test_arvidsjaurs_link_posts_nothing_on_arjeplogs_site(citizen, arjeplog, tracked):
    report, token = tracked
    assert citizen.post(f"/arjeplog/rapport/{token}/komplettera/", {"text": "x"}).status_code == 404
    assert not report.events.filter(kind=ReportEvent.Kind.RESIDENT_INFO).exists()
    assert citizen.post(f"/rapport/{token}/komplettera/", {"text": "x"}).status_code == 302
