"""A police officer sees the whole police area, as a police officer only.

A member of Arvidsjaur who is a police officer may use the staff pages of Arjeplog (the
same police area) with the police's role. The other roles the same account holds in
Arvidsjaur (case handler, administrator, council reader) count in Arvidsjaur only: in
Arjeplog they open neither the cases with residents' contact details, nor the API keys,
the surveys or the council's recipients, nor do they let the account edit activities that
are the municipality's.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tryggve.areas.tests.test_scoping import (  # noqa: F401 (fixtures)
    SECRET,
    _body,
    arjeplog_world,
    member,
)
from tryggve.conftest import _staff_client


@pytest.fixture
def officer_with_more_roles(django_user_model, municipality, arjeplog):
    """A police officer who is also case handler, administrator and council reader, a
    member of Arvidsjaur only."""
    client = _staff_client(django_user_model, "polis-och-mer", "police_officer")
    for role in ("case_handler", "administrator", "council_reader"):
        client.user.groups.add(Group.objects.get_or_create(name=role)[0])
    municipality.members.add(client.user)
    return client


def test_the_other_roles_do_not_open_arjeplogs_pages(officer_with_more_roles, arjeplog_world):  # noqa: F811
    client = officer_with_more_roles
    reference = arjeplog_world["report"].reference
    survey = arjeplog_world["values"]["pk"]
    for path in (
        "/arjeplog/personal/arenden/",
        f"/arjeplog/personal/arenden/{reference}/",
        "/arjeplog/personal/arenden/export.csv",
        "/arjeplog/personal/open311/",
        "/arjeplog/personal/enkater/",
        f"/arjeplog/personal/enkater/{survey}/resultat/",
        "/arjeplog/personal/uppfoljning/radet/mottagare/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert SECRET.encode() not in _body(response), path


def test_the_police_pages_open_as_a_police_officer(officer_with_more_roles, arjeplog_world):  # noqa: F811
    client = officer_with_more_roles
    assert client.get("/arjeplog/personal/lagesbild/").status_code == 200
    assert client.get("/arjeplog/personal/grannsamverkan/").status_code == 200
    start = client.get("/arjeplog/personal/")
    assert start.status_code == 200
    assert start.wsgi_request.roles == {"police_officer"}
    menu = start.content.decode()
    assert "/arjeplog/personal/arenden/" not in menu
    assert "/arjeplog/personal/open311/" not in menu
    # At home every role counts, as before.
    assert client.get("/personal/arenden/").status_code == 200
    assert client.get("/personal/open311/").status_code == 200


def test_the_administrator_role_does_not_edit_arjeplogs_municipal_activities(
    officer_with_more_roles, arjeplog_world  # noqa: F811
):
    from tryggve.followup.models import Activity

    activity = Activity.objects.get(pk=arjeplog_world["values"]["activity_pk"])
    activity.responsible_party = "municipality"
    activity.save(update_fields=["responsible_party"])
    response = officer_with_more_roles.post(
        f"/arjeplog/personal/uppfoljning/aktivitet/{activity.pk}/status/",
        {"status": "done", "reason": "Klar"},
    )
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.status != "done"
