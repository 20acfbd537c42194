"""/personal/uppfoljning/lofte/<pk>/nasta-ar/: the problem picture and the draft action."""

import datetime

import pytest
from django.urls import reverse

from tryggve.followup.models import Promise
from tryggve.followup.services import dialogue_create

pytestmark = pytest.mark.django_db


def _paths(promise):
    return (
        reverse("followup:draft", args=[promise.pk]),
        reverse("followup:draft_create", args=[promise.pk]),
    )


def test_anonymous_and_roleless_are_kept_out(client, staff_without_role, promise):
    page, action = _paths(promise)
    assert client.get(page).status_code == 302
    assert staff_without_role.get(page).status_code == 403
    assert client.post(action).status_code == 302
    assert staff_without_role.post(action).status_code == 403
    assert not Promise.objects.filter(drafted_from=promise).exists()


def test_council_reader_reads_but_cannot_draft(council_reader, promise):
    page, action = _paths(promise)
    html = council_reader.get(page).content.decode()
    assert "Trygghetsenkäten" in html
    assert "Skapa utkast" not in html
    assert council_reader.post(action).status_code == 403
    assert not Promise.objects.filter(drafted_from=promise).exists()


def test_page_gathers_reports_and_dialogues(case_handler, promise, make_report, municipality):
    make_report(category="belysning")
    dialogue_create(
        municipality=municipality,
        kind="staff",
        date=datetime.date(promise.period_start.year, 4, 2),
        title="Medarbetardialog i centrum",
        participant_count=8,
        participant_groups="polisen, fritidsgården",
        concerns="Inbrott i radhusområdena.",
        actor=None,
    )
    html = case_handler.get(_paths(promise)[0]).content.decode()
    assert "1 synpunkt kom in under perioden." in html
    assert "Belysning: 1" in html
    assert "Medarbetardialog i centrum" in html and "Inbrott i radhusområdena." in html


def test_double_submit_creates_one_unpublished_draft(case_handler, promise, client):
    page, action = _paths(promise)
    first = case_handler.post(action)
    second = case_handler.post(action)
    draft = Promise.objects.get(drafted_from=promise)
    assert first.url == second.url == reverse("followup:promise", args=[draft.pk])
    assert draft.published is False
    assert "Det finns redan ett utkast" in case_handler.get(page).content.decode()
    assert draft.title not in client.get(reverse("followup:public")).content.decode()


def test_another_municipalitys_promise_is_a_404(administrator, other_promise):
    page, action = _paths(other_promise)
    assert administrator.get(page).status_code == 404
    assert administrator.post(action).status_code == 404
    assert not Promise.objects.filter(drafted_from=other_promise).exists()
