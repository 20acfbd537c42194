"""Who may do what on the situation-picture pages, beyond the generated role matrix."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.analytics.models import PolicePresence

# The GET matrix (every URL × every role, anonymous, no role) is generated from
# accounts/roles.py in accounts/tests/test_role_matrix.py; here are the rules inside pages.


def test_unverified_staff_go_to_the_second_factor(django_user_model, client, municipality):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username="ny", password="x")
    user.groups.add(Group.objects.get_or_create(name="police_officer")[0])
    client.force_login(user)
    response = client.get("/personal/lagesbild/")
    assert response.status_code == 302
    assert response["Location"].startswith("/personal/tvafaktor/")


def test_the_public_summary_is_open_to_everyone(client, municipality):
    assert client.get("/lagesbild/").status_code == 200


def test_staff_and_public_views_are_apart():
    """Every view of `views` is a staff page behind `staff_required`; `public_views` holds
    the public page only, so a page added to either module shows which it is."""
    import inspect

    from tryggve.analytics import public_views, views

    def pages(module):
        return [
            view for name, view in inspect.getmembers(module, inspect.isfunction)
            if view.__module__ == module.__name__ and not name.startswith("_")
        ]

    assert pages(views) and all(hasattr(v, "staff_roles") for v in pages(views))
    assert [v.__name__ for v in pages(public_views)] == ["public_summary"]
    assert not hasattr(public_views.public_summary, "staff_roles")


def _presence_post():
    started = timezone.localtime(timezone.now() - timedelta(hours=1))
    return {
        "started": started.strftime("%Y-%m-%dT%H:%M"),
        "minutes": "30",
        "kind": "foot",
        "lat": "65.5900",
        "lon": "19.1800",
    }


@pytest.mark.parametrize("persona", ["police_officer", "administrator"])
def test_police_and_administrators_log_presence(request, municipality, persona):
    client = request.getfixturevalue(persona)
    page = client.get("/personal/lagesbild/narvaro/")
    assert "Logga närvaro" in page.content.decode()
    response = client.post("/personal/lagesbild/narvaro/", _presence_post())
    assert response.status_code == 302
    assert PolicePresence.objects.get().officer == client.user


def test_a_case_handler_sees_presence_but_cannot_log_it(case_handler, municipality):
    page = case_handler.get("/personal/lagesbild/narvaro/").content.decode()
    assert "Timmar per område och månad" in page
    assert "Logga närvaro" not in page
    assert 'name="minutes"' not in page
    response = case_handler.post("/personal/lagesbild/narvaro/", _presence_post())
    assert response.status_code == 403
    assert not PolicePresence.objects.exists()


@pytest.mark.parametrize("persona", ["police_officer", "council_reader"])
def test_only_municipal_staff_record_observations(request, municipality, persona):
    from tryggve.analytics.models import Incident

    client = request.getfixturevalue(persona)
    response = client.post(
        "/personal/lagesbild/observation/",
        {"occurred_at": "2026-01-05T10:00", "offence_group": "vandalism", "summary": "Klotter"},
    )
    assert response.status_code == 403
    assert not Incident.objects.exists()
