"""Every model that belongs to a municipality, scoped (issue 14).

One deployment serves Arvidsjaur (the default, 2505) and Arjeplog (2506, at /arjeplog/).
Arjeplog gets one object of every kind that has pages: a report, a survey, a promise with
its follow-up, a council meeting, a watch area drawn without a residential area, police
presence logged outside every area, a staff observation, a near-repeat alert, a CSV import.
A member of Arvidsjaur holding every staff role then asks for them on Arvidsjaur's pages
(every staff URL of the URL configuration, and the public ones that take an object): a 404,
never Arjeplog's data. Arjeplog's own pages show only Arjeplog's rows.

`SCOPED` lists every model that reaches `Municipality` through its foreign keys with the
tests here that cover it; a new model that belongs to a municipality fails
`test_every_model_that_belongs_to_a_municipality_is_listed` until it is listed.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import get_resolver
from django.utils import timezone

from tryggve.accounts.tests.test_role_matrix import _walk, fill, staff_pages
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.conftest import ARJEPLOG, CENTRUM, _staff_client
from tryggve.lib import tenancy

SECRET = "Hemlig-Arjeplog-uppgift"
# A point in Arjeplog outside its three residential areas (between Arjeplog and Laisvall).
ARJEPLOG_ROADSIDE = (66.20, 17.50)

# Model -> the tests of this module that cover it. "via" notes say how a child model is
# reached: its rows are only ever read through its parent's scoped pages.
# Tests elsewhere are named "<module>:<test>".
REFERENCE = "tryggve.reports.tests.test_reference_data_scoping"
KEYS = "tryggve.open311.tests.test_keys_per_municipality"

SCOPED: dict[str, tuple[str, ...]] = {
    # areas: the geography itself.
    "areas.ResidentialArea": ("test_staff_forms_and_lists_offer_only_arvidsjaurs_areas",),
    "areas.Street": ("test_the_place_search_finds_only_the_municipality_served",),
    "areas.PopulationCount": ("test_population_counts_are_read_per_municipality",),
    # reports (also reports/tests/test_several_municipalities.py).
    "reports.Report": ("test_every_staff_url_refuses_arjeplogs_objects",
                       "test_public_urls_refuse_arjeplogs_objects"),
    "reports.ReportEvent": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via report
    "reports.UnitLink": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via report
    "reports.ReportPhoto": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via report
    "reports.Voice": ("test_public_urls_refuse_arjeplogs_objects",),  # via report
    "reports.SafetyFeedback": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via report
    # surveys.
    "surveys.Survey": ("test_every_staff_url_refuses_arjeplogs_objects",
                       "test_the_public_survey_pages_show_only_their_own"),
    "surveys.Question": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via survey
    "surveys.Option": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via survey
    "surveys.MatrixRow": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via survey
    "surveys.Response": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via survey
    "surveys.Answer": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via survey
    "surveys.ImportedCount": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via survey
    "surveys.AnswerTheme": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via answer
    "surveys.ThemeCorrection": ("test_every_staff_url_refuses_arjeplogs_objects",),
    "surveys.LearnedTerm": ("test_every_staff_url_refuses_arjeplogs_objects",),
    # analytics.
    "analytics.Incident": ("test_the_situation_picture_shows_only_its_own",
                           "test_the_public_situation_summary_shows_only_its_own"),
    "analytics.PolicePresence": ("test_the_situation_picture_shows_only_its_own",
                                 "test_presence_outside_every_area_belongs_to_its_municipality",
                                 "test_the_migrations_give_existing_rows_a_municipality"),
    "analytics.NearRepeatAlert": ("test_the_situation_picture_shows_only_its_own",
                                  "test_watch_pages_show_only_their_own"),
    "analytics.IncidentImport": ("test_every_staff_url_refuses_arjeplogs_objects",),
    # watch.
    "watch.WatchArea": ("test_every_staff_url_refuses_arjeplogs_objects",
                        "test_public_urls_refuse_arjeplogs_objects",
                        "test_watch_pages_show_only_their_own",
                        "test_a_watch_area_drawn_anew_belongs_to_its_municipality",
                        "test_the_migrations_give_existing_rows_a_municipality"),
    "watch.AreaEvent": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via watch area
    "watch.Household": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via watch area
    "watch.StartMeeting": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via area
    "watch.WatchMessage": ("test_watch_pages_show_only_their_own",),
    "watch.Delivery": ("test_watch_pages_show_only_their_own",),
    # followup (also followup/tests: other_municipality).
    "followup.Promise": ("test_every_staff_url_refuses_arjeplogs_objects",
                         "test_public_urls_refuse_arjeplogs_objects"),
    "followup.Signatory": ("test_public_urls_refuse_arjeplogs_objects",),  # via promise
    "followup.Commitment": ("test_every_staff_url_refuses_arjeplogs_objects",),
    "followup.Activity": ("test_every_staff_url_refuses_arjeplogs_objects",),
    "followup.ActivityUpdate": ("test_every_staff_url_refuses_arjeplogs_objects",),
    "followup.ActivityEvent": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via activity
    "followup.EvidenceLink": ("test_every_staff_url_refuses_arjeplogs_objects",  # via update
                              "test_evidence_offers_only_its_own_watch_areas"),
    "followup.ManualIndicator": ("test_every_staff_url_refuses_arjeplogs_objects",),
    "followup.ManualIndicatorEntry": ("test_every_staff_url_refuses_arjeplogs_objects",),
    "followup.Dialogue": ("test_followup_lists_show_only_their_own",),
    "followup.ReportRecipient": ("test_every_staff_url_refuses_arjeplogs_objects",),
    "followup.CouncilMeeting": ("test_every_staff_url_refuses_arjeplogs_objects",),
    "followup.IndicatorSnapshot": ("test_every_staff_url_refuses_arjeplogs_objects",),  # meeting
    "followup.CouncilDelivery": ("test_every_staff_url_refuses_arjeplogs_objects",),  # meeting
    "followup.CouncilDecision": ("test_every_staff_url_refuses_arjeplogs_objects",),  # meeting
    "followup.SummaryText": ("test_every_staff_url_refuses_arjeplogs_objects",),  # via promise
    "followup.PublishedSummary": ("test_every_staff_url_refuses_arjeplogs_objects",
                                  "test_public_urls_refuse_arjeplogs_objects"),
    "followup.SummaryReminder": ("test_every_staff_url_refuses_arjeplogs_objects",),  # promise
    "followup.IndicatorSetting": ("test_followup_lists_show_only_their_own",),
    # open311: a submission is read only through its report (Open311's reads: reports_here).
    "open311.Submission": ("test_open311_reads_only_its_own",),
    # Each municipality's own keys: listed, revoked and filing for it only.
    "open311.ApiKey": (
        f"{KEYS}:test_the_staff_page_lists_the_municipalitys_own_keys",
        f"{KEYS}:test_another_municipalitys_key_is_not_revoked",
        f"{KEYS}:test_a_key_files_for_its_own_municipality_only",
    ),
    # reports' reference data (tests in reports/tests/test_reference_data_scoping.py).
    "reports.Category": (
        f"{REFERENCE}:test_arjeplogs_report_form_lists_arjeplogs_categories_only",
        f"{REFERENCE}:test_arvidsjaurs_staff_cannot_give_a_case_arjeplogs_category",
    ),
    "reports.Unit": (
        f"{REFERENCE}:test_arvidsjaurs_staff_cannot_send_a_case_to_arjeplogs_unit",
        f"{REFERENCE}:test_the_inbox_filter_does_not_offer_arjeplogs_units",
    ),
    "reports.ResponseTemplate": (
        f"{REFERENCE}:test_arvidsjaurs_case_page_offers_its_own_units_and_templates",
    ),
    # A unit's digest row is written by the daily command only, per unit; no page reads it.
    "reports.UnitDigest": (
        f"{REFERENCE}:test_arvidsjaurs_staff_cannot_send_a_case_to_arjeplogs_unit",
    ),
}

# Models that reach a municipality only through a user (an author, an officer): not owned.
THROUGH = {"auth.User"}


def _reaches_municipality(model, seen=()) -> bool:
    for field in model._meta.fields:
        target = field.related_model if field.is_relation else None
        if target is None or target._meta.label in THROUGH or target in seen:
            continue
        if target is Municipality or _reaches_municipality(target, (*seen, model)):
            return True
    return False


def owned_models() -> set[str]:
    """Every model of the project with a foreign-key path to Municipality (its own column
    or a parent's), the Municipality table itself aside."""
    return {
        model._meta.label
        for model in django_apps.get_models()
        if model.__module__.startswith("tryggve.") and model is not Municipality
        and _reaches_municipality(model)
    }


def test_every_model_that_belongs_to_a_municipality_is_listed():
    owned = owned_models()
    assert "surveys.Survey" in owned and "watch.Delivery" in owned  # the walk works
    missing = sorted(owned - SCOPED.keys())
    assert not missing, f"add a scoping test and list it in SCOPED: {missing}"
    assert not sorted(SCOPED.keys() - owned), "SCOPED lists a model that no longer belongs"


def test_every_listed_test_exists():
    here = importlib.import_module(__name__)
    names = {name for name, _ in inspect.getmembers(here, inspect.isfunction)}
    for label, tests in SCOPED.items():
        assert tests, label
        for test in tests:
            if ":" in test:
                module, name = test.split(":")
                assert inspect.isfunction(getattr(importlib.import_module(module), name, None)), (
                    label,
                    test,
                )
            else:
                assert test in names, (label, test)


def test_rows_without_an_area_carry_their_municipality():
    """Watch areas and police presence may have no residential area: then their own column
    says whose they are (added by watch.0004 and analytics.0004)."""
    for label in ("watch.WatchArea", "analytics.PolicePresence"):
        field = django_apps.get_model(label)._meta.get_field("municipality")
        assert field.related_model is Municipality


# Arjeplog's objects ----------------------------------------------------------------------


@pytest.fixture
def member(django_user_model, municipality):
    """Every staff role, the police's included, in Arvidsjaur only."""
    client = _staff_client(django_user_model, "allt-i-arvidsjaur", "case_handler")
    for role in ("council_reader", "administrator", "unit_staff", "police_officer"):
        client.user.groups.add(Group.objects.get_or_create(name=role)[0])
    municipality.members.add(client.user)
    return client


@pytest.fixture
def arjeplog_member(django_user_model, arjeplog):
    client = _staff_client(django_user_model, "allt-i-arjeplog", "case_handler")
    for role in ("council_reader", "administrator"):
        client.user.groups.add(Group.objects.get_or_create(name=role)[0])
    arjeplog.members.add(client.user)
    return client


def _square(lat: float, lon: float, half: float = 0.002):
    from shapely.geometry import box

    return box(lon - half, lat - half, lon + half, lat + half)


@pytest.fixture
def arjeplog_world(arjeplog, make_report, member):
    """One object of every kind with pages, all Arjeplog's, each carrying SECRET where it
    has a text a page would show."""
    from tryggve.analytics.models import NearRepeatAlert
    from tryggve.analytics.services import incident_record_observation, presence_log
    from tryggve.analytics.uploads import incident_import_upload
    from tryggve.followup.council import council_meeting_create, report_recipient_add
    from tryggve.followup.demo import COMMITMENTS
    from tryggve.followup.models import PublishedSummary
    from tryggve.followup.services import (
        activity_create,
        activity_update_create,
        dialogue_create,
        manual_indicator_create,
        promise_create,
    )
    from tryggve.surveys.models import Option
    from tryggve.surveys.services import survey_create_from_bank
    from tryggve.watch.services import watch_area_offer

    today = timezone.localdate()
    officer = member.user
    with tenancy.serving(arjeplog.code):
        report = make_report(
            at=ARJEPLOG, published=True, public_text="Trasig lampa vid Storgatan",
            description=f"{SECRET}: lampan", contact_name=SECRET,
        )
        survey = survey_create_from_bank(municipality=arjeplog, year=today.year)
        survey.title = f"{SECRET} enkät"
        survey.opens_on, survey.closes_on = today, today + datetime.timedelta(days=30)
        survey.save(update_fields=["title", "opens_on", "closes_on"])
        option = Option.objects.filter(question__survey=survey).first()
        promise = promise_create(
            municipality=arjeplog, police_area="LPO Piteå Älvdal", title=f"{SECRET} löften",
            text=SECRET, period_start=datetime.date(today.year, 1, 1),
            period_end=datetime.date(today.year, 12, 31), commitments=COMMITMENTS,
            published=True,
        )
        commitment = promise.commitments.get(position=1)
        activity = activity_create(
            commitment=commitment, title=f"{SECRET} aktivitet", responsible_party="both",
            actor=None, roles={"administrator"},
        )
        update = activity_update_create(
            activity=activity, date=today, text=f"{SECRET} framsteg", actor=None,
            roles={"administrator"},
        )
        indicator = manual_indicator_create(
            municipality=arjeplog, name=f"{SECRET} indikator", definition=SECRET
        )
        meeting = council_meeting_create(
            municipality=arjeplog, date=today, title=f"{SECRET} möte"
        )
        recipient = report_recipient_add(
            municipality=arjeplog, name=SECRET, role="Ledamot", email="arjeplog@example.se"
        )
        dialogue_create(
            municipality=arjeplog, kind="citizen", date=today, title=f"{SECRET} dialog",
            participant_count=12, participant_groups="Boende", concerns=SECRET, actor=officer,
        )
        summary = PublishedSummary(promise=promise, year=today.year)
        summary.pdf.save("arjeplog.pdf", ContentFile(f"%PDF-1.4 {SECRET}".encode()), save=False)
        summary.save()
        # Drawn anew: no residential area, so only its own column says it is Arjeplog's.
        watch = watch_area_offer(
            name="Arjeplogs egen grupp", households=20, streets="Storgatan",
            actor=officer, geometry=_square(*ARJEPLOG_ROADSIDE),
        )
        presence = presence_log(
            officer=officer, started=timezone.now() - datetime.timedelta(days=1), minutes=30,
            kind="car", lat=ARJEPLOG_ROADSIDE[0], lon=ARJEPLOG_ROADSIDE[1], note=SECRET,
        )
        incident = incident_record_observation(
            reported_by=officer, occurred_at=timezone.now() - datetime.timedelta(days=2),
            lat=ARJEPLOG[0], lon=ARJEPLOG[1], offence_group="residential_burglary",
            summary=SECRET,
        )
        upload = incident_import_upload(
            municipality=arjeplog, uploaded_by=officer, file_name=f"{SECRET}.csv",
            data=b"datum;brott;lat;lon\n2026-01-02 10:00;Inbrott;66.05;17.89\n",
        )
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    alert = NearRepeatAlert.objects.create(incident=incident, area=laisvall, distance_m=50)
    return {
        "report": report,
        "values": {
            "reference": report.reference,
            "event_id": report.events.first().pk,
            "pk": survey.pk,
            "question_pk": option.question_id,
            "item_pk": option.pk,
            "promise_pk": promise.pk,
            "commitment_pk": commitment.pk,
            "activity_pk": activity.pk,
            "update_pk": update.pk,
            "indicator_pk": indicator.pk,
            "meeting_pk": meeting.pk,
            "recipient_pk": recipient.pk,
            "summary_pk": summary.pk,
            "slug": watch.slug,
            "import_id": upload.pk,
        },
        "watch": watch,
        "presence": presence,
        "incident": incident,
        "alert": alert,
    }


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# Names in a route that stand for one of Arjeplog's objects (filled from arjeplog_world).
OBJECT_PARAMS = {
    "reference", "event_id", "pk", "question_pk", "item_pk", "promise_pk", "commitment_pk",
    "activity_pk", "update_pk", "indicator_pk", "meeting_pk", "recipient_pk", "summary_pk",
    "slug", "import_id",
}


def _params(route: str) -> set[str]:
    return set(re.findall(r"<(?:\w+:)?(\w+)>", route))


def _ask(client, path: str):
    """GET, or an empty POST where the page only takes a form."""
    response = client.get(path)
    return client.post(path) if response.status_code == 405 else response


STAFF_WITH_OBJECTS = [
    (route, name) for route, name, _view in staff_pages() if _params(route) & OBJECT_PARAMS
]


def test_the_walk_reaches_every_app():
    apps = {name.split(":")[0] for _route, name in STAFF_WITH_OBJECTS}
    assert {"reports", "surveys", "followup", "watch", "analytics"} <= apps


@pytest.mark.parametrize(
    ("route", "name"), STAFF_WITH_OBJECTS, ids=[name for _route, name in STAFF_WITH_OBJECTS]
)
def test_every_staff_url_refuses_arjeplogs_objects(route, name, member, arjeplog_world):
    """Arvidsjaur's address with Arjeplog's object: not found, whatever the role, and the
    object unchanged (an empty form posted changes nothing either)."""
    watch = arjeplog_world["watch"]
    before = (watch.state, watch.signs_ordered)
    response = _ask(member, fill(route, "", arjeplog_world["values"]))
    assert response.status_code == 404, (name, response.status_code)
    assert SECRET.encode() not in _body(response), name
    watch.refresh_from_db()
    assert (watch.state, watch.signs_ordered) == before


def _public_pages():
    pages = []
    for route, name, _view in _walk(get_resolver().url_patterns):
        if route.startswith(("personal/", "admin/", "^")) or not (_params(route) & OBJECT_PARAMS):
            continue
        pages.append((route, name))
    return pages


PUBLIC_WITH_OBJECTS = _public_pages()


def test_the_public_walk_reaches_every_app():
    apps = {name.split(":")[0] for _route, name in PUBLIC_WITH_OBJECTS}
    assert {"reports", "followup", "watch"} <= apps


@pytest.mark.parametrize(
    ("route", "name"), PUBLIC_WITH_OBJECTS, ids=[name for _route, name in PUBLIC_WITH_OBJECTS]
)
def test_public_urls_refuse_arjeplogs_objects(route, name, citizen, arjeplog_world):
    """On Arvidsjaur's public site Arjeplog's report, promise, summary and watch area do not
    exist; under /arjeplog/ they do (or the page is a form's answer)."""
    path = fill(route, "", arjeplog_world["values"])
    response = _ask(citizen, path)
    assert response.status_code == 404, (name, response.status_code)
    assert SECRET.encode() not in _body(response), name
    assert _ask(citizen, "/arjeplog" + path).status_code != 404, name


# Lists and figures -----------------------------------------------------------------------


def test_the_situation_picture_shows_only_its_own(member, arjeplog_member, arjeplog_world,
                                                   make_report):
    from tryggve.analytics.services import presence_log

    presence_log(
        officer=member.user, started=timezone.now() - datetime.timedelta(hours=3), minutes=45,
        kind="foot", lat=CENTRUM[0], lon=CENTRUM[1], note="Arvidsjaurs runda",
    )
    ours = make_report(at=CENTRUM)
    theirs = arjeplog_world["report"]
    pages = ["/personal/lagesbild/", "/personal/lagesbild/narvaro/",
             "/personal/lagesbild/observation/", "/personal/lagesbild/riskkarta/",
             "/personal/lagesbild/tider/", "/personal/lagesbild/forslag/",
             "/personal/lagesbild/import/", "/personal/lagesbild/utsatthet.csv"]
    for page in pages:
        body = _body(member.get(page)).decode()
        assert SECRET not in body, page
        assert "Laisvall" not in body and "Jäckvik" not in body, page
        assert theirs.reference not in body, page
    assert "Arvidsjaurs runda" in member.get("/personal/lagesbild/narvaro/").content.decode()
    assert ours.reference in member.get("/personal/lagesbild/riskkarta/").content.decode()
    assert member.get("/personal/lagesbild/").context["alerts"] == []
    # Arjeplog's own staff see theirs and not Arvidsjaur's.
    mine = arjeplog_member.get("/arjeplog/personal/lagesbild/narvaro/").content.decode()
    assert SECRET in mine and "Arvidsjaurs runda" not in mine
    overview = arjeplog_member.get("/arjeplog/personal/lagesbild/")
    assert arjeplog_world["alert"] in overview.context["alerts"]
    assert {a.area.municipality.code for a in overview.context["alerts"]} == {"2506"}
    assert {r.area.name for r in overview.context["ranked"]} == {
        "Arjeplog centrum", "Laisvall", "Jäckvik"
    }


def test_the_public_situation_summary_shows_only_its_own(citizen, arjeplog_world):
    ours = {row[0].name for row in citizen.get("/lagesbild/").context["rows"]}
    theirs = {row[0].name for row in citizen.get("/arjeplog/lagesbild/").context["rows"]}
    assert "Centrum" in ours and "Laisvall" not in ours
    assert theirs == {"Arjeplog centrum", "Laisvall", "Jäckvik"}


def test_presence_outside_every_area_belongs_to_its_municipality(arjeplog, arjeplog_world):
    from tryggve.analytics.figures import presence_figures

    presence = arjeplog_world["presence"]
    assert presence.area is None
    assert presence.municipality == arjeplog
    year = {"start": datetime.date(2000, 1, 1), "end": datetime.date(2100, 1, 1)}
    assert presence_figures(municipality_code="2506", **year).hours == 0.5
    assert presence_figures(municipality_code="2505", **year).hours == 0


def test_a_watch_area_drawn_anew_belongs_to_its_municipality(arjeplog, arjeplog_world):
    from tryggve.watch.figures import watch_figures

    watch = arjeplog_world["watch"]
    assert watch.residential_area is None
    assert watch.municipality == arjeplog
    year = {"start": datetime.date(2000, 1, 1), "end": datetime.date(2100, 1, 1)}
    assert watch_figures(municipality_code="2506", **year).offered == 1
    assert watch_figures(municipality_code="2505", **year).offered == 0


def test_watch_pages_show_only_their_own(member, citizen, arjeplog_world, municipality):
    from tryggve.watch.models import ContactRole, Delivery, Household
    from tryggve.watch.services import message_send

    theirs = arjeplog_world["watch"]
    Household.objects.create(
        area=theirs, street="Storgatan", number="1", name=SECRET, email="hemlig@example.se",
        confirmed=timezone.now(), contact_role=ContactRole.APPROVED,
    )
    theirs.state = "active"
    theirs.save(update_fields=["state"])
    for page in ["/personal/grannsamverkan/", "/personal/grannsamverkan/meddelanden/",
                 "/personal/grannsamverkan/siffror/"]:
        body = _body(member.get(page)).decode()
        assert theirs.name not in body and SECRET not in body, page
    assert member.get("/personal/grannsamverkan/meddelanden/").context["sent"].count() == 0
    assert theirs.name not in citizen.get("/grannsamverkan/").content.decode()
    assert theirs.name in citizen.get("/arjeplog/grannsamverkan/").content.decode()
    # "Every active area" from Arvidsjaur's pages never reaches Arjeplog's contact persons.
    with tenancy.serving(municipality.code):
        message_send(sender=member.user, subject="Hej", body="Till alla aktiva områden")
    assert not Delivery.objects.filter(area=theirs).exists()
    with tenancy.serving("2506"):
        message_send(sender=member.user, subject="Hej", body="Till Arjeplogs områden")
    assert Delivery.objects.filter(area=theirs).count() == 1


def test_evidence_offers_only_its_own_watch_areas(municipality, arjeplog, arjeplog_world):
    from tryggve.followup.forms import EvidenceForm

    theirs = arjeplog_world["watch"]
    assert theirs not in EvidenceForm(municipality=municipality).fields["watch_area"].queryset
    assert theirs in EvidenceForm(municipality=arjeplog).fields["watch_area"].queryset


def test_the_public_survey_pages_show_only_their_own(citizen, arjeplog_world):
    theirs = arjeplog_world["values"]["pk"]
    for page in ["/trygghetsenkat/", "/trygghetsenkat/resultat/"]:
        response = citizen.get(page)
        assert SECRET not in response.content.decode(), page
        survey = response.context.get("survey") if response.context else None
        assert survey is None or survey.pk != theirs, page
    assert citizen.get("/arjeplog/trygghetsenkat/").context["survey"].pk == theirs


def test_followup_lists_show_only_their_own(member, arjeplog_member, arjeplog_world):
    for page in ["/personal/uppfoljning/", "/personal/uppfoljning/dialoger/",
                 "/personal/uppfoljning/indikatorer/", "/personal/uppfoljning/radet/",
                 "/medborgarloften/"]:
        response = member.get(page)
        assert response.status_code == 200, page
        assert SECRET not in response.content.decode(), page
    theirs = arjeplog_member.get("/arjeplog/personal/uppfoljning/dialoger/")
    assert SECRET in theirs.content.decode()


def test_open311_reads_only_its_own(citizen, arjeplog_world):
    reference = arjeplog_world["report"].reference
    ask = {"jurisdiction_id": "2505"}
    ours = citizen.get("/open311/v2/requests.json", ask).json()
    assert reference not in {r["service_request_id"] for r in ours}
    assert citizen.get(f"/open311/v2/requests/{reference}.json", ask).status_code == 404
    theirs = citizen.get("/arjeplog/open311/v2/requests.json", {"jurisdiction_id": "2506"})
    assert reference in {r["service_request_id"] for r in theirs.json()}


def test_staff_forms_and_lists_offer_only_arvidsjaurs_areas(member, arjeplog):
    from tryggve.watch.staff_forms import MessageForm, OfferForm

    with tenancy.serving("2505"):
        offered = {a.name for a in OfferForm().fields["residential_area"].queryset}
        assert "Centrum" in offered and "Laisvall" not in offered
        assert "Laisvall" not in member.get("/personal/grannsamverkan/").content.decode()
        assert list(MessageForm().fields["area"].queryset) == []


def test_the_place_search_finds_only_the_municipality_served(streets, arjeplog):
    from tryggve.areas.geocoder import _known

    with tenancy.serving("2505"):
        assert any(c.source == "street" for c in _known("gatan"))
    with tenancy.serving("2506"):
        assert not any(c.source == "street" for c in _known("gatan"))
        assert [c.source for c in _known("Laisvall")] == ["area"]


def test_population_counts_are_read_per_municipality(arjeplog, municipality):
    from tryggve.areas.models import AgeBand, PopulationCount
    from tryggve.surveys.representativeness import population_margins
    from tryggve.surveys.services import survey_create_from_bank

    for place, count in ((municipality, 1000), (arjeplog, 7)):
        PopulationCount.objects.create(
            municipality=place, year=2025, age_band=AgeBand.values[1], count=count
        )
    survey = survey_create_from_bank(municipality=arjeplog, year=2026)
    assert population_margins(survey)["age"] == {AgeBand.values[1]: 7}


# Migrations ------------------------------------------------------------------------------


def test_the_migrations_give_existing_rows_a_municipality(arjeplog, municipality, member):
    from tryggve.analytics.models import PolicePresence
    from tryggve.watch.models import WatchArea

    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    now = timezone.now()
    in_laisvall = PolicePresence.objects.create(
        officer=member.user, started=now, minutes=10, kind="car", area=laisvall
    )
    at_a_point = PolicePresence.objects.create(
        officer=member.user, started=now, minutes=10, kind="car", lat=66.2, lon=17.5
    )
    shape = _square(*ARJEPLOG_ROADSIDE)
    drawn = WatchArea(name="Ritad", slug="ritad", households=5, streets="Väg 95")
    drawn.set_geometry(shape)
    drawn.save()
    over_laisvall = WatchArea(
        name="Laisvallby", slug="laisvallby", households=5, streets="Byvägen",
        residential_area=laisvall,
    )
    over_laisvall.set_geometry(shape)
    over_laisvall.save()
    for module in ("tryggve.analytics.migrations.0005_presence_municipality_fill",
                   "tryggve.watch.migrations.0005_watch_area_municipality_fill"):
        importlib.import_module(module).fill(django_apps, None)
    for row, expected in ((in_laisvall, arjeplog), (at_a_point, municipality),
                          (drawn, municipality), (over_laisvall, arjeplog)):
        row.refresh_from_db()
        assert row.municipality == expected, row
