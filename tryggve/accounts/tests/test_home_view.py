"""The staff start page: today's figures for each role, each read through its app's own
function, counted with one query each."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.analytics.models import Incident, IncidentSource, NearRepeatAlert, OffenceGroup
from tryggve.areas.models import ResidentialArea
from tryggve.reports.models import Report, Status
from tryggve.watch.models import WatchState
from tryggve.watch.services import watch_area_offer


@pytest.fixture
def today(municipality, make_report, case_handler):
    make_report()
    make_report()
    late = make_report(status=Status.UNDER_REVIEW)
    Report.objects.filter(pk=late.pk).update(due=timezone.now() - timedelta(days=1))
    make_report(status=Status.RESOLVED)
    centrum = ResidentialArea.objects.get(name="Centrum")
    ready = watch_area_offer(
        name="Lärkan", households=10, streets="Storgatan", actor=case_handler.user,
        residential_area=centrum,
    )
    ready.state = WatchState.READY
    ready.save(update_fields=["state"])
    burglary = Incident.objects.create(
        source=IncidentSource.CSV, external_id="1", occurred_at=timezone.now(),
        lat=65.59, lon=19.18, precise=True, municipality_code="2505",
        offence_group=OffenceGroup.RESIDENTIAL_BURGLARY, area=centrum,
    )
    NearRepeatAlert.objects.create(incident=burglary, area=centrum, distance_m=100)
    old = NearRepeatAlert.objects.create(
        incident=burglary, area=ResidentialArea.objects.exclude(pk=centrum.pk).first(),
        distance_m=300,
    )
    NearRepeatAlert.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=30))


def figures(page) -> dict[str, str]:
    html = page.content.decode()
    found = {}
    for chunk in html.split('data-figure="')[1:]:
        key = chunk.split('"', 1)[0]
        count = chunk.split('class="today-count">', 1)[1].split("<", 1)[0]
        found[key] = count
    return found


@pytest.mark.django_db
def test_case_handler_sees_cases_and_watch(case_handler, today, django_assert_max_num_queries):
    # Session, user, device, groups, then one count per figure, and the municipality's public
    # identity for the header (once; then cached, tryggve.areas.identity).
    with django_assert_max_num_queries(14):  # 3 of them refresh the idle-timeout session
        page = case_handler.get("/personal/")
    assert figures(page) == {
        "new_cases": "2",
        "overdue_cases": "1",
        # The fresh alert touches Centrum, whose group is ready but not yet active: nobody
        # to send it to (watch/tests/test_alert_messages.py counts one that can be sent).
        "alerts_to_send": "0",
        "areas_ready": "1",
    }
    html = page.content.decode()
    assert 'href="/personal/arenden/?status=received"' in html
    assert 'href="/personal/arenden/?overdue=on"' in html


@pytest.mark.django_db
def test_police_see_alerts_and_areas_but_no_cases(police_officer, today):
    page = police_officer.get("/personal/")
    assert figures(page) == {"alerts_to_send": "0", "areas_ready": "1"}
    assert "/personal/arenden/" not in page.content.decode()


@pytest.mark.django_db
def test_council_readers_see_no_operational_figures(council_reader, today):
    page = council_reader.get("/personal/")
    assert page.status_code == 200
    assert figures(page) == {}


@pytest.mark.django_db
def test_the_links_follow_the_table(council_reader, administrator, municipality):
    reader = council_reader.get("/personal/").content.decode()
    assert 'href="/personal/siffror/"' in reader
    assert 'href="/personal/arenden/"' not in reader
    assert 'href="/admin/"' not in reader
    admin = administrator.get("/personal/").content.decode()
    for path in ["/personal/arenden/", "/personal/grannsamverkan/", "/personal/lagesbild/",
                 "/personal/siffror/", "/admin/"]:
        assert f'href="{path}"' in admin, path
