"""One deployment serving Arvidsjaur (the default, 2505) and Arjeplog (2506, at /arjeplog/
on the shared host and at trygg.arjeplog.se): choosing the municipality per request,
prefixed links, reports routed by their position, public pages and staff pages scoped, and
the staff membership rule (tryggve.areas.access)."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import get_script_prefix, reverse

from tryggve.accounts.tests.test_role_matrix import fill, staff_pages
from tryggve.areas.middleware import MunicipalityMiddleware
from tryggve.areas.models import Municipality
from tryggve.areas.selectors import home_municipality
from tryggve.conftest import ARJEPLOG, CENTRUM, OUTSIDE, _staff_client
from tryggve.lib import tenancy
from tryggve.lib.links import absolute_url
from tryggve.reports.models import Report
from tryggve.reports.tests.test_report_new_view import field_error, form_data

SECRET = "Hemlig-Arjeplog-uppgift"


@pytest.fixture
def arjeplog_report(arjeplog, make_report):
    """A published report of Arjeplog with personal data no one in Arvidsjaur may read."""
    with tenancy.serving(arjeplog.code):
        report = make_report(
            at=ARJEPLOG,
            published=True,
            public_text="Trasig lampa vid Storgatan",
            description=f"{SECRET}: lampan vid Storgatan",
            contact_name=SECRET,
        )
    assert report.municipality == arjeplog
    return report


@pytest.fixture
def arvidsjaur_report(municipality, make_report):
    return make_report(at=CENTRUM, published=True, public_text="Trasig lampa i Centrum")


def member_of(client, municipality: Municipality):
    municipality.members.add(client.user)
    return client


# Choosing the municipality ------------------------------------------------------------


def test_the_start_page_at_the_slug_is_arjeplogs(citizen, arjeplog):
    body = citizen.get("/arjeplog/").content.decode()
    assert "Hjälp oss göra Arjeplogs kommun tryggare" in body
    assert "Hjälp oss göra Arvidsjaur tryggare" not in body
    # Links on the page carry the prefix; static files do not.
    assert 'href="/arjeplog/rapportera/"' in body
    assert "/static/css/tryggve.css" in body
    assert "/arjeplog/static/" not in body


def test_the_shared_host_without_a_slug_is_the_default(citizen, arjeplog):
    body = citizen.get("/").content.decode()
    assert "Hjälp oss göra Arvidsjaur tryggare" in body
    assert "Arjeplog" not in body
    assert 'href="/rapportera/"' in body


def test_the_host_name_picks_the_municipality(citizen, arjeplog):
    body = citizen.get("/", HTTP_HOST="trygg.arjeplog.se").content.decode()
    assert "Hjälp oss göra Arjeplogs kommun tryggare" in body
    assert 'href="/rapportera/"' in body  # no prefix on its own host


def test_the_slug_without_a_slash_redirects(citizen, arjeplog):
    response = citizen.get("/arjeplog?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/arjeplog/?x=1"


def test_an_unknown_first_segment_is_an_ordinary_404(citizen, arjeplog):
    assert citizen.get("/jokkmokk/").status_code == 404


def test_reverse_and_absolute_links_are_prefixed_and_reset_after(arjeplog, settings):
    settings.SITE_URL = "https://trygg.example.se"
    seen = {}

    def view(request):
        seen["path_info"] = request.path_info
        seen["path"] = request.path
        seen["reverse"] = reverse("reports:new")
        seen["absolute"] = absolute_url("reports:map")
        seen["home"] = home_municipality().code
        return HttpResponse("ok")

    MunicipalityMiddleware(view)(RequestFactory().get("/arjeplog/karta/"))
    assert seen == {
        "path_info": "/karta/",
        "path": "/arjeplog/karta/",
        "reverse": "/arjeplog/rapportera/",
        "absolute": "https://trygg.example.se/arjeplog/karta/",
        "home": "2506",
    }
    # After the response: the default again, for the next request on this thread.
    assert get_script_prefix() == "/"
    assert reverse("reports:new") == "/rapportera/"
    assert tenancy.current() is None
    assert home_municipality().code == "2505"


def test_links_from_arjeplogs_own_host_go_to_that_host(arjeplog, settings):
    settings.SITE_URL = "https://trygg.example.se"
    seen = {}

    def view(request):
        seen["absolute"] = absolute_url("reports:map")
        return HttpResponse("ok")

    MunicipalityMiddleware(view)(RequestFactory().get("/", HTTP_HOST="trygg.arjeplog.se"))
    assert seen["absolute"] == "https://trygg.arjeplog.se/karta/"


def test_the_routing_table_is_cached_no_query_once_warm(arjeplog, django_assert_num_queries):
    middleware = MunicipalityMiddleware(lambda request: HttpResponse("ok"))
    middleware(RequestFactory().get("/arjeplog/"))  # fills the cache
    with django_assert_num_queries(0):
        middleware(RequestFactory().get("/arjeplog/"))
        middleware(RequestFactory().get("/"))


def test_home_municipality_is_looked_up_once_per_request(arjeplog, django_assert_num_queries):
    def view(request):
        with django_assert_num_queries(1):
            for _ in range(5):
                home_municipality()
        return HttpResponse("ok")

    MunicipalityMiddleware(view)(RequestFactory().get("/arjeplog/"))


def test_with_routing_off_the_slug_is_not_served(citizen, arjeplog, settings):
    """A single-municipality deployment: nothing is routed, whatever rows hold."""
    settings.MUNICIPALITY_ROUTING = False
    assert citizen.get("/arjeplog/").status_code == 404
    assert "Hjälp oss göra Arvidsjaur tryggare" in citizen.get(
        "/", HTTP_HOST="testserver"
    ).content.decode()


# Reports routed by their position ----------------------------------------------------


def test_a_report_placed_in_arjeplog_on_arvidsjaurs_form_is_routed_there(citizen, arjeplog):
    response = citizen.post("/rapportera/", form_data(lat=ARJEPLOG[0], lon=ARJEPLOG[1]))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.municipality == arjeplog
    assert report.area.name == "Arjeplog centrum"
    body = citizen.get(response["Location"]).content.decode()
    assert "Platsen du valde ligger i Arjeplogs kommun" in body
    assert "har därför skickats till Arjeplogs kommun" in body


def test_a_report_in_arvidsjaur_gets_no_note(citizen, arjeplog, municipality):
    response = citizen.post("/rapportera/", form_data())
    assert Report.objects.get().municipality == municipality
    assert "Platsen du valde ligger i" not in citizen.get(response["Location"]).content.decode()


def test_the_english_note(citizen, arjeplog):
    citizen.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = citizen.post("/rapportera/", form_data(lat=ARJEPLOG[0], lon=ARJEPLOG[1]))
    body = citizen.get(response["Location"]).content.decode()
    assert "The place you chose lies in Arjeplogs kommun" in body


def test_a_position_outside_every_served_municipality_is_refused(citizen, arjeplog):
    response = citizen.post("/rapportera/", form_data(lat=OUTSIDE[0], lon=OUTSIDE[1]))
    assert response.status_code == 200
    assert "Platsen ligger utanför Arvidsjaurs kommun" in field_error(response, "lat")
    assert not Report.objects.exists()


def test_a_report_described_in_words_belongs_to_the_form_it_was_sent_on(citizen, arjeplog):
    data = form_data(
        lat="", lon="", place_description="Vid bensinmacken",
        category=arjeplog.categories.get(slug="belysning").pk,
    )
    citizen.post("/arjeplog/rapportera/", data)
    assert Report.objects.get().municipality == arjeplog


# Public pages scoped -------------------------------------------------------------------


def test_arvidsjaurs_public_map_does_not_show_arjeplogs_reports(
    citizen, arjeplog_report, arvidsjaur_report
):
    body = citizen.get("/karta/").content.decode()
    assert arvidsjaur_report.reference in body
    assert arjeplog_report.reference not in body
    features = citizen.get("/api/reports.geojson").json()["features"]
    assert [f["id"] for f in features] == [arvidsjaur_report.reference]
    assert citizen.get(f"/karta/{arjeplog_report.reference}/").status_code == 404


def test_arjeplogs_public_map_shows_only_its_own(citizen, arjeplog_report, arvidsjaur_report):
    body = citizen.get("/arjeplog/karta/").content.decode()
    assert arjeplog_report.reference in body
    assert arvidsjaur_report.reference not in body
    data = citizen.get("/arjeplog/api/reports.geojson").json()
    assert [f["id"] for f in data["features"]] == [arjeplog_report.reference]
    assert data["url"] == "/arjeplog/karta/{id}/"
    page = citizen.get(f"/arjeplog/karta/{arjeplog_report.reference}/")
    assert page.status_code == 200


def test_the_start_page_counts_only_its_own(citizen, arjeplog_report, arvidsjaur_report):
    start = citizen.get("/arjeplog/")
    assert start.context["counts"]["received"] == 1
    assert [r.reference for r in start.context["recent"]] == [arjeplog_report.reference]


# Staff ---------------------------------------------------------------------------------


def test_arvidsjaurs_case_handler_gets_404_for_arjeplog(
    case_handler, municipality, arjeplog_report, arvidsjaur_report
):
    member_of(case_handler, municipality)
    # Arjeplog's staff pages do not exist for a non-member.
    assert case_handler.get("/arjeplog/personal/arenden/").status_code == 404
    assert (
        case_handler.get(f"/arjeplog/personal/arenden/{arjeplog_report.reference}/").status_code
        == 404
    )
    # Arjeplog's case, asked for on Arvidsjaur's pages: not found there either.
    response = case_handler.get(f"/personal/arenden/{arjeplog_report.reference}/")
    assert response.status_code == 404
    inbox = case_handler.get("/personal/arenden/").content.decode()
    assert arvidsjaur_report.reference in inbox
    assert arjeplog_report.reference not in inbox
    assert SECRET not in inbox


def test_arjeplogs_case_handler_sees_arjeplogs_cases_only(
    django_user_model, arjeplog, arjeplog_report, arvidsjaur_report
):
    handler = member_of(_staff_client(django_user_model, "arja", "case_handler"), arjeplog)
    inbox = handler.get("/arjeplog/personal/arenden/").content.decode()
    assert arjeplog_report.reference in inbox
    assert arvidsjaur_report.reference not in inbox
    case = handler.get(f"/arjeplog/personal/arenden/{arjeplog_report.reference}/")
    assert case.status_code == 200
    assert SECRET in case.content.decode()
    assert handler.get("/personal/arenden/").status_code == 404


def test_a_police_officer_of_the_police_area_sees_both(police_officer, municipality, arjeplog):
    from tryggve.areas.access import visible_codes

    member_of(police_officer, municipality)
    assert police_officer.get("/personal/").status_code == 200
    assert police_officer.get("/arjeplog/personal/").status_code == 200
    assert police_officer.get("/arjeplog/personal/siffror/").status_code == 200
    assert visible_codes(police_officer.user, area_wide=True) == ["2505", "2506"]


def test_a_police_officer_of_another_police_area_does_not(police_officer, municipality, arjeplog):
    municipality.police_area = "LPO Luleå"
    municipality.save()
    member_of(police_officer, municipality)
    # Arjeplog's staff pages do not exist for them; the start page (where the login leads)
    # sends them to their own municipality's, the others are a 404.
    start = police_officer.get("/arjeplog/personal/")
    assert (start.status_code, start["Location"]) == (302, "http://testserver/personal/")
    assert police_officer.get("/arjeplog/personal/lagesbild/").status_code == 404


def test_a_staff_user_of_no_municipality_sees_none_once_several_are_served(
    case_handler, arjeplog
):
    assert case_handler.get("/personal/").status_code == 404
    assert case_handler.get("/arjeplog/personal/").status_code == 404


def test_with_one_municipality_every_staff_user_belongs(case_handler, municipality):
    """Single-municipality deployments as before: an account made in the admin or with
    createsuperuser works without a membership."""
    assert not case_handler.user.municipalities.exists()
    assert case_handler.get("/personal/arenden/").status_code == 200


def test_a_superuser_sees_every_municipality(django_user_model, arjeplog):
    admin = _staff_client(django_user_model, "root", "administrator")
    admin.user.is_superuser = admin.user.is_staff = True
    admin.user.save()
    assert admin.get("/arjeplog/personal/").status_code == 200
    assert admin.get("/personal/").status_code == 200


# Every staff URL, as a member of Arvidsjaur asking for Arjeplog's objects ---------------

PAGES = [(route, name) for route, name, _view in staff_pages()]


@pytest.fixture
def arvidsjaur_member(django_user_model, municipality):
    """Every role but the police's (which sees the whole police area), in Arvidsjaur only."""
    from django.contrib.auth.models import Group

    client = _staff_client(django_user_model, "allt-utom-polis", "case_handler")
    for role in ("council_reader", "administrator", "unit_staff"):
        client.user.groups.add(Group.objects.get_or_create(name=role)[0])
    return member_of(client, municipality)


@pytest.fixture
def arjeplog_objects(arjeplog, arjeplog_report):
    from tryggve.surveys.services import survey_create_from_bank

    survey = survey_create_from_bank(municipality=arjeplog, year=2026)
    return {"pk": survey.pk, "question_pk": survey.questions.first().pk}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(("route", "name"), PAGES, ids=[name for _route, name in PAGES])
def test_every_staff_url_keeps_arjeplog_from_an_arvidsjaur_member(
    route, name, arvidsjaur_member, arjeplog_report, arjeplog_objects
):
    path = fill(route, arjeplog_report.reference, arjeplog_objects)
    # A page that only takes a form is sent one (empty): the action must not happen either.
    send = arvidsjaur_member.get
    if send(path).status_code == 405:
        send = arvidsjaur_member.post
    # Under Arjeplog's prefix every staff page is a 404 for a non-member, but the start
    # page (where the login leads), which sends them to their own municipality's.
    there = send("/arjeplog" + path)
    if name == "accounts:home":
        assert (there.status_code, there["Location"]) == (302, "http://testserver/personal/")
    else:
        assert there.status_code == 404, name
    # Under Arvidsjaur's own address with Arjeplog's objects: never Arjeplog's data.
    response = send(path)
    assert SECRET.encode() not in _body(response), name
    if "<slug:reference>" in route:
        assert response.status_code == 404, name
    before = (arjeplog_report.status, arjeplog_report.published, arjeplog_report.unit_id)
    arjeplog_report.refresh_from_db()
    assert (arjeplog_report.status, arjeplog_report.published, arjeplog_report.unit_id) == before


# Migrations --------------------------------------------------------------------------


def test_the_migration_makes_existing_staff_members_of_the_default(
    case_handler, staff_without_role, django_user_model, municipality
):
    resident_account = django_user_model.objects.create_user(username="bara-konto")
    migration = importlib.import_module("tryggve.areas.migrations.0008_staff_members_of_default")
    migration.members_of_default(django_apps, None)
    members = set(municipality.members.values_list("username", flat=True))
    assert case_handler.user.username in members
    assert resident_account.username not in members


def test_the_migration_gives_existing_reports_a_municipality(
    municipality, arjeplog, make_report
):
    with tenancy.serving(arjeplog.code):
        in_arjeplog = make_report(at=ARJEPLOG)
    in_words = make_report(at=None)
    Report.objects.update(municipality=None)
    migration = importlib.import_module("tryggve.reports.migrations.0010_report_municipality_fill")
    migration.fill(django_apps, None)
    in_arjeplog.refresh_from_db()
    in_words.refresh_from_db()
    assert in_arjeplog.municipality == arjeplog
    assert in_words.municipality == municipality


# The demo ------------------------------------------------------------------------------


def test_the_demo_serves_arjeplog_at_its_path(db, citizen, settings, django_user_model):
    from django.core.management import call_command

    settings.MUNICIPALITY_ROUTING = True
    settings.DEMO = True
    call_command("load_demo", stdout=io.StringIO())
    arjeplog = Municipality.objects.get(code="2506")
    assert arjeplog.slug == "arjeplog"
    assert arjeplog.areas.count() == 3
    body = citizen.get("/arjeplog/").content.decode()
    assert "Hjälp oss göra Arjeplogs kommun tryggare" in body
    assert "är ungefärligt inritade, inte officiella" in body
    # Arjeplog's few reports are its own; Arvidsjaur's map does not show them.
    mine = set(Report.objects.filter(municipality=arjeplog).values_list("reference", flat=True))
    assert len(mine) == 3
    features = citizen.get("/api/reports.geojson").json()["features"]
    assert mine.isdisjoint(f["id"] for f in features)
    theirs = citizen.get("/arjeplog/api/reports.geojson").json()["features"]
    assert mine == {f["id"] for f in theirs}
    # Its own reference series, name, colour, categories, units and response templates.
    assert all(reference.startswith("ARJ-") for reference in mine)
    assert ">Trygg i Arjeplog</a>" in body
    assert Report.objects.get(reference=min(mine)).category.municipality == arjeplog
    for related in ("categories", "units", "response_templates"):
        assert getattr(arjeplog, related).exists()
    assert arjeplog.units.filter(name__startswith="Arjeplogshem").exists()
    # The demo's logins belong to their municipalities.
    assert django_user_model.objects.get(username="arjeplog").municipalities.get() == arjeplog
    assert django_user_model.objects.get(username="handlaggare").municipalities.get().code == "2505"


def test_staff_forms_offer_only_the_areas_of_the_municipality_served(
    django_user_model, arjeplog, municipality
):
    handler = member_of(_staff_client(django_user_model, "arja", "case_handler"), arjeplog)
    form = handler.get("/arjeplog/personal/arenden/").context["form"]
    assert {a.name for a in form.fields["area"].queryset} == {
        "Arjeplog centrum", "Laisvall", "Jäckvik"
    }
    with tenancy.serving("2505"):
        from tryggve.areas.selectors import areas_here

        assert "Centrum" in {a.name for a in areas_here()}
        assert "Laisvall" not in {a.name for a in areas_here()}
