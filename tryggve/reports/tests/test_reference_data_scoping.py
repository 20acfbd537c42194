"""Categories, units and response templates belong to a municipality (issue 14): each
served municipality offers its own, and another's are neither shown nor accepted."""

import importlib
import re

import pytest
from django.apps import apps as django_apps

from tryggve.conftest import CENTRUM
from tryggve.lib import tenancy
from tryggve.reports.models import Category, Report, ResponseTemplate, Status, Unit
from tryggve.reports.tests.test_report_new_view import field_error, form_data
from tryggve.reports.tests.test_several_municipalities import ARJEPLOG, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def snowmobiles(arjeplog):
    """A category only Arjeplog keeps."""
    return Category.objects.create(
        municipality=arjeplog, slug="skoterled", name_sv="Skoterled nära bostäder", order=99
    )


@pytest.fixture
def units(municipality, arjeplog):
    return {
        "2505": Unit.objects.create(name="Gatubelysning", municipality=municipality),
        "2506": Unit.objects.create(name="Gatubelysning", municipality=arjeplog),
    }


@pytest.fixture
def templates(municipality, arjeplog):
    return {
        "2505": ResponseTemplate.objects.create(
            municipality=municipality, title="Svar från Arvidsjaur", text="A", status=""
        ),
        "2506": ResponseTemplate.objects.create(
            municipality=arjeplog, title="Svar från Arjeplog", text="B", status=""
        ),
    }


# The public report form ---------------------------------------------------------------


def _offered(body: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="category" value="(\d+)"', body)}


def _unit_choices(body: str) -> set[int]:
    """The units offered by every unit select on the page (the case's form, the filter)."""
    selects = re.findall(r'<select name="unit"[^>]*>(.*?)</select>', body, re.S)
    assert selects
    return {int(pk) for select in selects for pk in re.findall(r'value="(\d+)"', select)}


def test_arjeplogs_report_form_lists_arjeplogs_categories_only(citizen, municipality, snowmobiles):
    arjeplog = snowmobiles.municipality
    body = citizen.get("/arjeplog/rapportera/").content.decode()
    assert "Skoterled nära bostäder" in body
    own = arjeplog.categories.filter(active=True).values_list("pk", flat=True)
    assert _offered(body) == set(own)
    home = citizen.get("/rapportera/").content.decode()
    assert "Skoterled nära bostäder" not in home
    assert _offered(home) == set(
        Category.objects.filter(municipality=None, active=True).values_list("pk", flat=True)
    )
    assert not _offered(body) & _offered(home)


def test_another_municipalitys_category_is_refused_by_the_form(citizen, municipality, snowmobiles):
    response = citizen.post("/rapportera/", form_data(category=snowmobiles.pk))
    assert field_error(response, "category")
    assert not Report.objects.exists()


def test_a_report_routed_to_a_neighbour_files_under_the_neighbours_category(citizen, arjeplog):
    citizen.post("/rapportera/", form_data(lat=ARJEPLOG[0], lon=ARJEPLOG[1]))
    report = Report.objects.get()
    assert report.municipality == arjeplog
    assert report.category.municipality == arjeplog
    assert report.category.slug == "belysning"


def test_the_maps_category_filter_knows_each_municipalitys_own(citizen, snowmobiles):
    ok = citizen.get("/arjeplog/api/reports.geojson", {"category": "skoterled"})
    assert ok.status_code == 200
    refused = citizen.get("/api/reports.geojson", {"category": "skoterled"})
    assert refused.status_code == 400


def test_open311_lists_the_jurisdictions_services(client, snowmobiles):
    base = "/open311/v2/services.json"
    arjeplog = client.get(base, {"jurisdiction_id": "2506"}).json()
    arvidsjaur = client.get(base, {"jurisdiction_id": "2505"}).json()
    assert "skoterled" in {s["service_code"] for s in arjeplog}
    assert "skoterled" not in {s["service_code"] for s in arvidsjaur}
    definition = "/open311/v2/services/skoterled.json"
    assert client.get(definition, {"jurisdiction_id": "2505"}).status_code == 404
    assert client.get(definition, {"jurisdiction_id": "2506"}).status_code == 200


# Staff: units, categories and response templates ---------------------------------------


@pytest.fixture
def arvidsjaur_case(municipality, make_report):
    return make_report(at=CENTRUM, status=Status.UNDER_REVIEW)


def test_arvidsjaurs_case_page_offers_its_own_units_and_templates(
    case_handler, municipality, arvidsjaur_case, units, templates
):
    member_of(case_handler, municipality)
    body = case_handler.get(f"/personal/arenden/{arvidsjaur_case.reference}/").content.decode()
    assert _unit_choices(body) == {units["2505"].pk}
    assert "Svar från Arvidsjaur" in body
    assert "Svar från Arjeplog" not in body


def test_arjeplogs_case_page_offers_arjeplogs_units_and_templates(
    case_handler, arjeplog, make_report, units, templates
):
    member_of(case_handler, arjeplog)
    with tenancy.serving(arjeplog.code):
        case = make_report(at=ARJEPLOG, status=Status.UNDER_REVIEW)
    body = case_handler.get(f"/arjeplog/personal/arenden/{case.reference}/").content.decode()
    assert _unit_choices(body) == {units["2506"].pk}
    assert "Svar från Arjeplog" in body
    assert "Svar från Arvidsjaur" not in body


def test_arvidsjaurs_staff_cannot_send_a_case_to_arjeplogs_unit(
    case_handler, municipality, arvidsjaur_case, units
):
    member_of(case_handler, municipality)
    url = f"/personal/arenden/{arvidsjaur_case.reference}/enhet/"
    case_handler.post(url, {"unit": units["2506"].pk})
    arvidsjaur_case.refresh_from_db()
    assert arvidsjaur_case.unit is None
    case_handler.post(url, {"unit": units["2505"].pk})
    arvidsjaur_case.refresh_from_db()
    assert arvidsjaur_case.unit == units["2505"]


def test_arvidsjaurs_staff_cannot_give_a_case_arjeplogs_category(
    case_handler, municipality, arvidsjaur_case, snowmobiles
):
    member_of(case_handler, municipality)
    before = arvidsjaur_case.category
    case_handler.post(
        f"/personal/arenden/{arvidsjaur_case.reference}/kategori/", {"category": snowmobiles.pk}
    )
    arvidsjaur_case.refresh_from_db()
    assert arvidsjaur_case.category == before


def test_the_inbox_filter_does_not_offer_arjeplogs_units(case_handler, municipality, units):
    member_of(case_handler, municipality)
    body = case_handler.get("/personal/arenden/").content.decode()
    assert _unit_choices(body) == {units["2505"].pk}


def test_arjeplogs_case_pages_stay_404_for_arvidsjaurs_staff(
    case_handler, municipality, arjeplog, make_report, units
):
    member_of(case_handler, municipality)
    with tenancy.serving(arjeplog.code):
        case = make_report(at=ARJEPLOG, status=Status.UNDER_REVIEW)
    url = f"/arjeplog/personal/arenden/{case.reference}/enhet/"
    assert case_handler.post(url, {"unit": units["2505"].pk}).status_code == 404
    case.refresh_from_db()
    assert case.unit is None


# The data migration ---------------------------------------------------------------------


def test_the_migration_gives_existing_rows_to_the_default_municipality(municipality):
    unit = Unit.objects.create(name="Park")
    template = ResponseTemplate.objects.create(title="Tack", text="Tack!")
    migration = importlib.import_module(
        "tryggve.reports.migrations.0012_categories_units_templates_of_default"
    )
    migration.assign(django_apps, None)
    assert not Category.objects.filter(municipality=None).exists()
    assert Category.objects.filter(municipality=municipality).exists()
    unit.refresh_from_db()
    template.refresh_from_db()
    assert unit.municipality == municipality and template.municipality == municipality
