"""A member of one municipality who logs in at another's site is sent to their own staff
start page, not left on a bare 404; every other staff page there stays a 404, which says
where their own pages are."""

from __future__ import annotations

import pytest

from tryggve.conftest import _staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def arjeplogs_handler(django_user_model, arjeplog):
    client = _staff_client(django_user_model, "handlaggare-arjeplog", "case_handler")
    arjeplog.members.add(client.user)
    return client


def test_the_start_page_sends_a_member_of_another_site_there(
    arjeplogs_handler, arjeplog, settings
):
    settings.SITE_URL = "https://trygg.example.se"
    arjeplog.hosts = ""  # served under /arjeplog/ on the shared host only
    arjeplog.save()
    response = arjeplogs_handler.get("/personal/")
    assert response.status_code == 302
    assert response["Location"] == "https://trygg.example.se/arjeplog/personal/"
    assert arjeplogs_handler.get("/arjeplog/personal/").status_code == 200


def test_to_its_own_host_where_it_has_one(arjeplogs_handler, arjeplog, settings):
    settings.SITE_URL = "https://trygg.example.se"
    arjeplog.hosts = "trygg.arjeplog.se"
    arjeplog.save()
    response = arjeplogs_handler.get("/personal/")
    assert response["Location"] == "https://trygg.arjeplog.se/personal/"


def test_other_staff_pages_stay_a_404(arjeplogs_handler, arjeplog, settings):
    settings.SITE_URL = "https://trygg.example.se"
    arjeplog.hosts = ""
    arjeplog.save()
    for path in ("/personal/arenden/", "/personal/lagesbild/"):
        response = arjeplogs_handler.get(path)
        assert response.status_code == 404
        page = response.content.decode()
        # In staff words, with the way to their own pages (the residents' 404 spoke of the
        # link to one's case).
        assert "Sidan finns inte här" in page and "ditt ärende" not in page
        assert 'href="https://trygg.example.se/arjeplog/personal/"' in page


def test_a_member_of_no_served_municipality_gets_the_404(django_user_model, arjeplog):
    client = _staff_client(django_user_model, "utan-kommun", "case_handler")
    assert client.get("/arjeplog/personal/").status_code == 404
