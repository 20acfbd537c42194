"""Response templates on the case page follow the status being set (issue 9, item 4)."""

import re

import pytest

from tryggve.reports.models import ResponseTemplate, Status
from tryggve.reports.staff_forms import templates_by_status


@pytest.fixture
def templates(db):
    return {
        "resolved": ResponseTemplate.objects.create(
            title="Lagat", status=Status.RESOLVED, text="Nu är lampan lagad."
        ),
        "forwarded": ResponseTemplate.objects.create(
            title="Skickat", status=Status.FORWARDED, text="Vi har skickat ärendet vidare."
        ),
        "received": ResponseTemplate.objects.create(
            title="Mottaget", status=Status.RECEIVED, text="Vi har tagit emot rapporten."
        ),
        "general": ResponseTemplate.objects.create(
            title="Tack", status="", text="Tack för att du hörde av dig."
        ),
    }


def groups(body: str) -> dict[str, str]:
    """Each template group's status and its text, as the page (without JavaScript) shows."""
    found = re.findall(
        r'data-template-status="([^"]*)">(.*?)</div>', body, flags=re.S
    )
    return dict(found)


@pytest.mark.django_db
def test_a_new_case_offers_the_templates_of_the_statuses_it_can_move_to(
    case_handler, make_report, templates
):
    report = make_report()
    body = case_handler.get(f"/personal/arenden/{report.reference}/").content.decode()
    shown = groups(body)
    assert "Nu är lampan lagad." in shown["resolved"]
    assert "Vi har skickat ärendet vidare." in shown["forwarded"]
    assert "Tack för att du hörde av dig." in shown[""]
    # A template for the status the case already has is not a status it can be given.
    assert "Vi har tagit emot rapporten." not in body
    # Grouped under the status's name, in the order of the status select.
    assert "För ”Åtgärdad”" in shown["resolved"]
    assert list(shown) == ["forwarded", "resolved", ""]


@pytest.mark.django_db
def test_a_resolved_case_offers_the_templates_for_reopening(make_report, templates):
    ResponseTemplate.objects.create(
        title="Tittar igen", status=Status.UNDER_REVIEW, text="Vi tittar på platsen igen."
    )
    report = make_report(status=Status.RESOLVED)
    statuses = [g["status"] for g in templates_by_status(report)]
    assert statuses == [Status.UNDER_REVIEW, ""]


@pytest.mark.django_db
def test_no_templates_no_section(case_handler, make_report):
    report = make_report()
    body = case_handler.get(f"/personal/arenden/{report.reference}/").content.decode()
    assert "Svarsmallar" not in body

