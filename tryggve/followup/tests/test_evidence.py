"""Evidence links: each kind points at what the system holds, in the same municipality,
through the service and the staff form."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tryggve.followup.models import EvidenceLink
from tryggve.followup.services import (
    FollowupRefused,
    activity_update_create,
    evidence_link_add,
)
from tryggve.reports.models import Category
from tryggve.surveys.services import survey_create_from_bank

pytestmark = pytest.mark.django_db
ADMIN = {"administrator"}


@pytest.fixture
def update(activity):
    return activity_update_create(
        activity=activity,
        date=datetime.date(2026, 3, 1),
        text="Lampor lagade.",
        actor=None,
        roles=ADMIN,
    )


def add(update, **kwargs):
    return evidence_link_add(update=update, actor=None, roles=ADMIN, **kwargs)


def test_a_report_and_a_report_set_of_this_municipality(update, make_report, municipality):
    report = make_report()
    link = add(update, kind="report", report=report)
    assert link.label == f"En rapport: {report.reference}"
    area = municipality.areas.order_by("name").first()
    group = add(
        update,
        kind="report_set",
        category=Category.objects.for_code("2505").get(slug="belysning"),
        area=area,
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 3, 1),
    )
    assert area.name in group.label and "2026-01-01–2026-03-01" in group.label
    refs = add(update, kind="report_set", references=[report.reference, " "])
    assert refs.reference_list() == [report.reference]
    assert update.activity.events.filter(kind="evidence").count() == 3


def test_unknown_references_are_named(update):
    with pytest.raises(FollowupRefused, match="OTR-2026-99999"):
        add(update, kind="report_set", references=["OTR-2026-99999"])
    assert not EvidenceLink.objects.exists()


def test_targets_of_another_municipality_are_refused(update, other_municipality):
    other_survey = survey_create_from_bank(municipality=other_municipality, year=2026)
    with pytest.raises(FollowupRefused, match="annan kommun"):
        add(update, kind="survey", survey=other_survey)
    from tryggve.areas.models import ResidentialArea

    other_area = ResidentialArea(
        municipality=other_municipality, name="Gültzauudden", slug="gultzauudden"
    )
    from shapely.geometry import box

    other_area.set_geometry(box(22.1, 65.55, 22.2, 65.6))
    other_area.save()
    with pytest.raises(FollowupRefused, match="annan kommun"):
        add(
            update,
            kind="presence",
            area=other_area,
            date_from=datetime.date(2026, 1, 1),
            date_to=datetime.date(2026, 2, 1),
        )
    assert not EvidenceLink.objects.exists()


def test_this_municipalitys_survey_and_presence_period(update, municipality):
    survey = survey_create_from_bank(municipality=municipality, year=2026)
    add(update, kind="survey", survey=survey)
    add(
        update,
        kind="presence",
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 3, 1),
    )
    assert EvidenceLink.objects.for_municipality(municipality).count() == 2


def test_the_database_refuses_a_link_without_its_target(update):
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceLink.objects.create(update=update, kind="report")
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceLink.objects.create(update=update, kind="report_set")


def test_the_staff_form_links_a_report_by_its_reference(case_handler, update, make_report):
    report = make_report()
    path = reverse("followup:evidence_add", args=[update.activity_id, update.pk])
    response = case_handler.post(path, {"kind": "report", "report_reference": "OTR-0"})
    assert response.status_code == 400
    assert "Det finns ingen rapport med det numret." in response.content.decode()
    response = case_handler.post(
        path, {"kind": "report", "report_reference": report.reference, "survey": ""}
    )
    assert response.status_code == 302
    page = case_handler.get(reverse("followup:activity", args=[update.activity_id]))
    assert reverse("reports:staff_case", args=[report.reference]) in page.content.decode()


@pytest.fixture
def arjeplogs_reports(arjeplog, make_report):
    """Arjeplog's report placed on its map and one described only in words (no position,
    no area: only `Report.municipality` says whose it is)."""
    from tryggve.conftest import ARJEPLOG
    from tryggve.lib import tenancy

    with tenancy.serving(arjeplog.code):
        placed = make_report(at=ARJEPLOG)
        in_words = make_report(at=None)
    assert in_words.municipality == arjeplog and in_words.area is None
    return placed, in_words


def test_another_municipalitys_reports_are_refused_also_when_described_in_words(
    update, arjeplogs_reports
):
    for report in arjeplogs_reports:
        with pytest.raises(FollowupRefused, match="annan kommun"):
            add(update, kind="report", report=report)
        # In a list they are as unknown as a reference that does not exist.
        with pytest.raises(FollowupRefused, match=f"Okända diarienummer: {report.reference}"):
            add(update, kind="report_set", references=[report.reference])
    assert not EvidenceLink.objects.exists()


def test_the_staff_form_does_not_tell_another_municipalitys_reference_exists(
    case_handler, municipality, update, arjeplogs_reports
):
    municipality.members.add(case_handler.user)
    path = reverse("followup:evidence_add", args=[update.activity_id, update.pk])
    for report in arjeplogs_reports:
        response = case_handler.post(
            path, {"kind": "report", "report_reference": report.reference}
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Det finns ingen rapport med det numret." in body
        assert "annan kommun" not in body
    assert not EvidenceLink.objects.exists()


def test_the_staff_form_keeps_only_the_chosen_kinds_fields(case_handler, update, municipality):
    survey = survey_create_from_bank(municipality=municipality, year=2026)
    path = reverse("followup:evidence_add", args=[update.activity_id, update.pk])
    case_handler.post(
        path,
        {
            "kind": "presence",
            "date_from": "2026-01-01",
            "date_to": "2026-02-01",
            "survey": survey.pk,
        },
    )
    link = EvidenceLink.objects.get()
    assert (link.kind, link.survey) == ("presence", None)


def test_police_cannot_add_evidence_to_the_municipalitys_activity(police_officer, promise):
    from tryggve.followup.services import activity_create

    activity = activity_create(
        commitment=promise.commitments.first(),
        title="Lampor",
        responsible_party="municipality",
        actor=None,
        roles=ADMIN,
    )
    update = activity_update_create(
        activity=activity, date=datetime.date(2026, 3, 1), text="x", actor=None, roles=ADMIN
    )
    path = reverse("followup:evidence_add", args=[activity.pk, update.pk])
    assert police_officer.get(path).status_code == 403
    assert (
        police_officer.post(
            path, {"kind": "presence", "date_from": "2026-01-01", "date_to": "2026-02-01"}
        ).status_code
        == 403
    )
    assert not EvidenceLink.objects.exists()
