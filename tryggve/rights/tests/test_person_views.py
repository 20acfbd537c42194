"""Registerutdrag and erasure: staff find everything about one e-mail address or phone
number, send it as a file, and erase what may go; the report stays (allmän handling)."""

from __future__ import annotations

import json

import pytest

from tryggve.audit.models import AccessLog
from tryggve.lib.models import OutgoingMail
from tryggve.reports.models import Category, Report, ReportEvent
from tryggve.reports.services import report_create
from tryggve.watch.models import AreaEvent, Household

PAGE = "/personal/registerutdrag/"


@pytest.fixture
def anna(municipality, area, join):
    """Anna reported a place with her e-mail, joined a watch with her mobile number, and
    someone else's report names her e-mail in its text."""
    category = Category.objects.for_code("2505").get(slug="belysning")
    base = {"category": category, "time_of_day": "night", "severity": 2, "lat": 65.59,
            "lon": 19.18}
    own = report_create(
        description="Mörk gångtunnel", contact_name="Anna Andersson",
        contact_email="Anna@Example.se", contact_phone="070-123 45 67", **base,
    )[0]
    named = report_create(description="Fråga anna@example.se, hon vet", **base)[0]
    other = report_create(description="Sly", contact_email="bo@example.se", **base)[0]
    household = join(area, street="Storgatan", number="3", name="Anna A", phone="0701234567")
    return {"own": own, "named": named, "other": other, "household": household}


def test_only_administrators_open_the_page(case_handler, administrator):
    assert case_handler.get(PAGE).status_code == 403
    assert administrator.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_a_search_finds_reports_households_and_mail_and_is_logged(administrator, anna):
    response = administrator.post(PAGE, {"email": "anna@example.se", "phone": ""})
    assert response.status_code == 200
    found = response.context["found"]
    assert found.reports == [anna["own"]]
    assert found.mentions == [anna["named"]]
    assert found.households == []  # she joined with her phone, not her e-mail
    assert [m.to for m in found.messages] == ["Anna@Example.se"]  # her receipt
    by_phone = administrator.post(PAGE, {"email": "", "phone": "+46 70 123 45 67"})
    found = by_phone.context["found"]
    assert found.reports == [anna["own"]] and found.households == [anna["household"]]
    assert {m.to for m in found.messages} == {"+46701234567"}
    assert anna["other"].reference not in by_phone.content.decode()
    logs = AccessLog.objects.filter(purpose=AccessLog.Purpose.RIGHTS)
    assert logs.count() == 2 and all(r.actor == administrator.user for r in logs)
    assert not logs.filter(subject__icontains="anna").exists()  # counts, not the address
    # The address is never in a URL: a GET searches nothing.
    assert administrator.get(PAGE, {"email": "anna@example.se"}).context["found"] is None


@pytest.mark.django_db
def test_the_extract_holds_everything_and_is_logged(administrator, anna):
    response = administrator.post(
        f"{PAGE}fil/", {"email": "anna@example.se", "phone": "070-1234567"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content.decode())
    [report] = document["rapporter"]
    assert report["diarienummer"] == anna["own"].reference
    assert report["beskrivning"] == "Mörk gångtunnel" and report["namn"] == "Anna Andersson"
    assert document["rapporter där uppgiften nämns"] == [anna["named"].reference]
    assert document["grannsamverkan"][0]["adress"] == "Storgatan 3"
    assert len(document["utskick"]) >= 2
    # The case was read by staff (the search's own page logs nothing about the case): each
    # read is in the extract by kind of reader, not by the staff member's name.
    administrator.get(f"/personal/arenden/{anna['own'].reference}/")
    again = json.loads(
        administrator.post(f"{PAGE}fil/", {"email": "anna@example.se"}).content.decode()
    )
    [read] = again["vem som läst ärendena"]
    assert read["vem"] == "kommunens personal" and read["varför"] == "Handläggning av ärendet"
    assert administrator.user.username not in json.dumps(again)
    assert AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, purpose=AccessLog.Purpose.RIGHTS
    ).exists()


@pytest.mark.django_db
def test_erasure_needs_confirmation(administrator, anna):
    response = administrator.post(f"{PAGE}radera/", {"email": "", "phone": "0701234567"})
    assert response.status_code == 400
    assert "Bekräfta att begäran är prövad." in response.content.decode()
    assert Household.objects.filter(pk=anna["household"].pk).exists()


@pytest.mark.django_db
def test_erasure_removes_the_sign_up_and_mail_and_keeps_the_report(administrator, anna):
    area = anna["household"].area
    response = administrator.post(
        f"{PAGE}radera/",
        {"email": "anna@example.se", "phone": "0701234567", "confirm": "on"},
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not Household.objects.filter(pk=anna["household"].pk).exists()
    assert not OutgoingMail.objects.filter(to__iexact="anna@example.se").exists()
    assert not OutgoingMail.objects.filter(to="+46701234567").exists()
    assert OutgoingMail.objects.filter(to="bo@example.se").exists()
    # The area's history says a household went, not where it lived.
    assert not AreaEvent.objects.filter(area=area, text__contains="Storgatan 3").exists()
    # Without "reports too" the report keeps its contact details until the ordinary rule.
    own = Report.objects.get(pk=anna["own"].pk)
    assert own.contact_email == "Anna@Example.se" and own.description == "Mörk gångtunnel"
    assert AccessLog.objects.filter(action=AccessLog.Action.ERASE).count() == 1


@pytest.mark.django_db
def test_erasure_of_contact_details_when_the_gallringsbeslut_allows(administrator, anna):
    administrator.post(
        f"{PAGE}radera/",
        {"email": "anna@example.se", "phone": "", "confirm": "on", "reports_too": "on"},
    )
    own = Report.objects.get(pk=anna["own"].pk)
    assert (own.contact_name, own.contact_email, own.contact_phone) == ("", "", "")
    assert own.description == "Mörk gångtunnel"  # the allmän handling stays
    note = ReportEvent.objects.filter(report=own, kind=ReportEvent.Kind.NOTE).last()
    assert "begäran" in note.text and note.actor == administrator.user
    other = Report.objects.get(pk=anna["other"].pk)
    assert other.contact_email == "bo@example.se"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [{}, {"email": "", "phone": ""}, {"email": "inte en adress"}, {"phone": "abc"},
     {"email": "x" * 300 + "@example.se"}, {"phone": "\x00"}],
)
def test_bad_input_is_a_form_error_not_a_500(administrator, municipality, data):
    for path in (PAGE, f"{PAGE}fil/", f"{PAGE}radera/"):
        response = administrator.post(path, data)
        assert response.status_code == 400, (path, data)
