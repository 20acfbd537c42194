"""The respondent's groups (area, age band, gender) are copied onto the response by every
writer, and the migration fills them for responses saved before the columns existed."""

from __future__ import annotations

import importlib

from django.apps import apps

from tryggve.surveys.importers import import_answer_rows, survey_for_year
from tryggve.surveys.models import OTHER_AREA, Response

GROUPS = ("group_area", "group_age", "group_gender")


def groups(response: Response) -> tuple[str, str, str]:
    response.refresh_from_db()
    return tuple(getattr(response, column) for column in GROUPS)


def test_a_web_answer_carries_its_groups(citizen, survey, valid_answer, municipality):
    page = citizen.get("/trygghetsenkat/")
    key = page.context["form"]["submission_key"].value()
    assert (
        citizen.post("/trygghetsenkat/", {**valid_answer, "submission_key": key}).status_code == 302
    )
    area = municipality.areas.order_by("name").first()
    assert groups(Response.objects.get()) == (area.slug, "45_64", "vill_inte")


def test_an_unanswered_group_stays_blank(citizen, survey, valid_answer):
    posted = {k: v for k, v in valid_answer.items() if k not in {"q-age", "q-area"}}
    page = citizen.get("/trygghetsenkat/")
    posted["submission_key"] = page.context["form"]["submission_key"].value()
    assert citizen.post("/trygghetsenkat/", posted).status_code == 302
    assert groups(Response.objects.get()) == ("", "", "vill_inte")


def test_paper_entry_carries_its_groups(case_handler, survey):
    url = f"/personal/enkater/{survey.pk}/papper/"
    assert case_handler.post(url, {"q-unsafe_evening": "3", "q-age": "5"}).status_code == 302
    assert groups(Response.objects.get()) == ("", "80", "")


def test_imported_rows_carry_their_groups(municipality, today):
    last_year = survey_for_year(municipality=municipality, year=today.year - 1)
    area = municipality.areas.first()
    text = f"unsafe_evening,area,gender\nganska_otrygg,{area.slug},kvinna\nmycket_trygg,annat,\n"
    import_answer_rows(survey=last_year, text=text)
    saved = {groups(r) for r in Response.objects.all()}
    assert saved == {(area.slug, "", "kvinna"), (OTHER_AREA, "", "")}


def test_the_migration_fills_responses_saved_before_the_columns(
    citizen, survey, valid_answer, municipality, case_handler
):
    page = citizen.get("/trygghetsenkat/")
    key = page.context["form"]["submission_key"].value()
    citizen.post("/trygghetsenkat/", {**valid_answer, "submission_key": key})
    case_handler.post(f"/personal/enkater/{survey.pk}/papper/", {"q-gender": "1"})
    before = {r.pk: groups(r) for r in Response.objects.all()}
    assert len(before) == 2 and all(any(g) for g in before.values())
    Response.objects.update(group_area="", group_age="", group_gender="")  # as before it
    migration = importlib.import_module("tryggve.surveys.migrations.0004_response_groups")
    migration.fill_groups(apps, None)
    assert {r.pk: groups(r) for r in Response.objects.all()} == before
