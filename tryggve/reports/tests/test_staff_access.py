"""Every staff URL for anonymous visitors, each role and an outsider with an account."""

import pytest

from tryggve.reports.services import report_create

ANON, CASE, POLICE, COUNCIL, ADMIN, NOROLE = (
    "anonymous",
    "case_handler",
    "police_officer",
    "council_reader",
    "administrator",
    "norole",
)


@pytest.fixture
def report(municipality):
    from tryggve.reports.models import Category

    report, _token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="night",
        severity=2,
        description="Mörkt",
        lat=65.59,
        lon=19.18,
        contact_email="anna@example.se",
    )
    return report


@pytest.fixture
def clients(
    client, case_handler, police_officer, council_reader, administrator, staff_without_role
):
    return {
        ANON: client,
        CASE: case_handler,
        POLICE: police_officer,
        COUNCIL: council_reader,
        ADMIN: administrator,
        NOROLE: staff_without_role,
    }


# The GET matrix of every staff URL is generated from accounts/roles.py
# (accounts/tests/test_role_matrix.py); the POST matrix below also checks nothing changed.


POST_URLS = ["status", "meddelande", "enhet", "kategori", "publicering", "dubblett"]


@pytest.mark.django_db
def test_post_matrix_changes_nothing_for_the_wrong_people(clients, report):
    from tryggve.reports.models import Report

    before = Report.objects.values().get(pk=report.pk)
    for action in POST_URLS:
        url = f"/personal/arenden/{report.reference}/{action}/"
        for persona in (ANON, POLICE, COUNCIL, NOROLE):
            response = clients[persona].post(
                url, {"to_status": "resolved", "text": "x", "published": "on"}
            )
            assert response.status_code in (302, 403), (url, persona)
            if persona == ANON:
                assert response["Location"].startswith("/personal/logga-in/")
    assert Report.objects.values().get(pk=report.pk) == before


@pytest.mark.django_db
def test_unverified_staff_are_sent_to_the_second_factor(django_user_model, client):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username="ny", password="a-long-test-password")
    user.groups.add(Group.objects.get_or_create(name="case_handler")[0])
    client.force_login(user)
    response = client.get("/personal/arenden/")
    assert response.status_code == 302
    assert response["Location"].startswith("/personal/tvafaktor/")


@pytest.mark.django_db
def test_admin_needs_the_second_factor_too(django_user_model, client, administrator):
    user = django_user_model.objects.create_superuser(username="root", password="x" * 16)
    client.force_login(user)
    assert client.get("/admin/").status_code == 302
    administrator.user.is_staff = True
    administrator.user.save()
    assert administrator.get("/admin/").status_code == 200
