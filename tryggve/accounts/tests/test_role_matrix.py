"""The role matrix, generated from accounts/roles.py: every staff URL × every role, an
anonymous visitor and a logged-in account without a role.

The URLs are found by walking the URL configuration, so a new staff page is in the matrix
without anyone adding it here; each must be wrapped in `staff_required`.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tryggve.accounts.roles import CHECKED_FURTHER_IN_VIEW, MENU, PAGE_PERMISSIONS, Role

# Views that are staff pages in the URL space but must open before a role is known.
BEFORE_LOGIN = {"accounts:login", "accounts:second_factor", "accounts:logout"}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield prefix + str(entry.pattern), name, entry.callback


def staff_pages():
    """(route, url name, view) for every URL under /personal/ (the admin is tested apart)."""
    return [
        (route, name, view)
        for route, name, view in _walk(get_resolver().url_patterns)
        if route.startswith("personal/") and name not in BEFORE_LOGIN
    ]


def fill(route: str, reference: str, objects: dict | None = None) -> str:
    """A concrete path: a real case (and the `objects` given, e.g. a survey); other objects
    need not exist (a 404 is not a 403)."""
    values = {
        "reference": reference,
        "slug": "finns-inte",
        "fmt": "svg" if "qr." in route else "csv",
        **{name: str(value) for name, value in (objects or {}).items()},
    }

    def value(match) -> str:
        converter, name = match[1], match[2]
        return values.get(name) or ("1" if converter == "int" else "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


PERSONAS = [role.value for role in Role] + ["anonymous", "no_role"]


@pytest.fixture
def personas(db, django_user_model, client, staff_without_role):
    from tryggve.conftest import _staff_client

    clients = {r.value: _staff_client(django_user_model, r.value, r.value) for r in Role}
    return {**clients, "anonymous": client, "no_role": staff_without_role}


def test_every_staff_url_is_guarded_by_the_table():
    pages = staff_pages()
    assert len(pages) >= 25
    for route, name, view in pages:
        assert hasattr(view, "staff_roles"), f"{name} ({route}) is not wrapped in staff_required"
        assert view.staff_page in PAGE_PERMISSIONS, name
        assert view.staff_roles == PAGE_PERMISSIONS[view.staff_page], name


def test_every_menu_target_is_a_page_in_the_table():
    for entry in MENU:
        for page, _url_name in entry.targets:
            assert page in PAGE_PERMISSIONS


@pytest.fixture
def survey_objects(municipality):
    """A survey with its questions and an uploaded incident file, so that their pages answer
    200 for the right roles."""
    from tryggve.analytics.models import IncidentImport
    from tryggve.surveys.services import survey_create_from_bank

    survey = survey_create_from_bank(municipality=municipality, year=2026)
    upload = IncidentImport.objects.create(
        municipality=municipality, file_name="x.csv", data=b"tid;typ;lat;lon\n"
    )
    return {
        "pk": survey.pk,
        "question_pk": survey.questions.first().pk,
        "import_id": upload.pk,
    }


@pytest.fixture
def followup_objects(municipality):
    """A promise with an activity of both parties (every editing role may open its pages),
    a progress update, a manual indicator and a published summary, so that the follow-up
    pages answer 200."""
    import datetime

    from tryggve.followup.services import (
        activity_create,
        activity_update_create,
        manual_indicator_create,
        promise_create,
    )

    promise = promise_create(
        municipality=municipality,
        police_area="LPO Piteå Älvdal",
        title="Löften",
        text="Text",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        commitments=[("Grannsamverkan", "")],
    )
    commitment = promise.commitments.get()
    activity = activity_create(
        commitment=commitment,
        title="Erbjuda områden",
        responsible_party="both",
        actor=None,
        roles={"administrator"},
    )
    update = activity_update_create(
        activity=activity,
        date=datetime.date(2026, 3, 1),
        text="Erbjudet.",
        actor=None,
        roles={"administrator"},
    )
    indicator = manual_indicator_create(
        municipality=municipality, name="Lampor", definition="Lagade lampor"
    )
    from tryggve.followup.council import council_meeting_create, report_recipient_add

    meeting = council_meeting_create(
        municipality=municipality, date=datetime.date(2026, 3, 10), title="Rådet"
    )
    recipient = report_recipient_add(
        municipality=municipality, name="Karin", role="Kommunalråd", email="karin@example.se"
    )
    from django.core.files.base import ContentFile

    from tryggve.followup.models import PublishedSummary

    published = PublishedSummary(promise=promise, year=2026)
    published.pdf.save("x.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return {
        "summary_pk": published.pk,
        "meeting_pk": meeting.pk,
        "recipient_pk": recipient.pk,
        "promise_pk": promise.pk,
        "commitment_pk": commitment.pk,
        "activity_pk": activity.pk,
        "update_pk": update.pk,
        "indicator_pk": indicator.pk,
        "year": promise.period_start.year,
        "code": "reports_received",
    }


@pytest.mark.django_db
def test_role_matrix(personas, make_report, municipality, survey_objects, followup_objects):
    reference = make_report().reference
    for route, name, view in staff_pages():
        path = fill(route, reference, {**survey_objects, **followup_objects})
        for persona, client in personas.items():
            response = client.get(path)
            where = f"{persona} GET {path} ({name})"
            if response.status_code == 405 and persona not in view.staff_roles:
                continue  # a POST-only action refused GET first: it revealed nothing
            if persona == "anonymous":
                assert response.status_code == 302, where
                assert response["Location"].startswith("/personal/logga-in/?next="), where
            elif persona in view.staff_roles and view.staff_page in CHECKED_FURTHER_IN_VIEW:
                # The role opens the door; the view refuses this user (not a member).
                assert response.status_code in (403, 404, 405), where
            elif persona in view.staff_roles:
                # Allowed: the page, or "GET not allowed" on a POST-only action, or a 404
                # for an object this test did not create; never the access refusal.
                assert response.status_code in (200, 404, 405), where
                if "finns-inte" not in path and "/bild/" not in path:
                    assert response.status_code in (200, 405), where
            else:
                assert response.status_code == 403, where
                assert "Du har inte behörighet" in response.content.decode(), where


@pytest.mark.django_db
def test_post_actions_refuse_the_wrong_roles(personas, make_report, municipality):
    reference = make_report().reference
    for route, name, view in staff_pages():
        path = fill(route, reference)
        for persona in PERSONAS:
            if persona != "anonymous" and persona in view.staff_roles:
                continue
            response = personas[persona].post(path, {})
            expected = 302 if persona == "anonymous" else 403
            assert response.status_code == expected, f"{persona} POST {path} ({name})"
