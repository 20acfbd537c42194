"""Each municipality's own API keys (issue 14): its administrators list, create and revoke
its keys only, and a key files reports for its own municipality only. Before, every key
was the whole deployment's: Arvidsjaur's administrator saw Arjeplog's keys (names,
creators, last use) and could revoke them, and Arjeplog's key filed in Arvidsjaur, where
no one could revoke it or lower its limit."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from tryggve.conftest import ARJEPLOG, _staff_client
from tryggve.open311.models import ApiKey
from tryggve.open311.services import api_key_create, api_key_find
from tryggve.open311.tests.helpers import error_codes, json_of
from tryggve.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(municipality, arjeplog):
    ours, our_key = api_key_create(name="Arvidsjaurs arbetsordersystem", municipality=municipality)
    theirs, their_key = api_key_create(name="Arjeplogs hemliga system", municipality=arjeplog)
    return {"ours": (ours, our_key), "theirs": (theirs, their_key)}


@pytest.fixture
def arvidsjaur_admin(django_user_model, municipality):
    client = _staff_client(django_user_model, "admin-arvidsjaur", "administrator")
    municipality.members.add(client.user)
    return client


@pytest.fixture
def arjeplog_admin(django_user_model, arjeplog):
    client = _staff_client(django_user_model, "admin-arjeplog", "administrator")
    arjeplog.members.add(client.user)
    return client


def test_the_staff_page_lists_the_municipalitys_own_keys(
    arvidsjaur_admin, arjeplog_admin, keys
):
    ours = arvidsjaur_admin.get("/personal/open311/").content.decode()
    assert "Arvidsjaurs arbetsordersystem" in ours
    assert "Arjeplogs hemliga system" not in ours
    theirs = arjeplog_admin.get("/arjeplog/personal/open311/").content.decode()
    assert "Arjeplogs hemliga system" in theirs
    assert "Arvidsjaurs arbetsordersystem" not in theirs


def test_another_municipalitys_key_is_not_revoked(arvidsjaur_admin, keys):
    theirs, their_key = keys["theirs"]
    response = arvidsjaur_admin.post(f"/personal/open311/{theirs.pk}/aterkalla/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked is None
    ours, _key = keys["ours"]
    arvidsjaur_admin.post(f"/personal/open311/{ours.pk}/aterkalla/")
    ours.refresh_from_db()
    assert ours.revoked is not None


def test_a_key_made_on_arjeplogs_page_is_arjeplogs(arjeplog_admin, arjeplog):
    arjeplog_admin.post(
        "/arjeplog/personal/open311/", {"name": "Arjeplogs app", "requests_per_hour": "10"}
    )
    assert ApiKey.objects.get().municipality == arjeplog


def _post(client, path, key, **fields):
    return client.post(
        f"{path}/requests.json",
        {
            "api_key": key,
            "service_code": "belysning",
            "lat": str(ARJEPLOG[0]),
            "long": str(ARJEPLOG[1]),
            "attribute[time_of_day]": "evening",
            "attribute[severity]": "3",
            "description": "Gatlampan är trasig.",
            **fields,
        },
    )


def test_a_key_files_for_its_own_municipality_only(client, keys, municipality, arjeplog):
    _theirs, their_key = keys["theirs"]
    _ours, our_key = keys["ours"]
    # Arjeplog's key at Arvidsjaur's address (the main one, naming Arvidsjaur): unknown.
    refused = _post(
        client, "/open311/v2", their_key, jurisdiction_id="2505", lat="65.5900", long="19.1800"
    )
    assert refused.status_code == 403 and error_codes(refused) == [403]
    # Arvidsjaur's key at Arjeplog's address, and naming Arjeplog at the main one: unknown.
    assert _post(client, "/arjeplog/open311/v2", our_key).status_code == 403
    assert _post(client, "/open311/v2", our_key, jurisdiction_id="2506").status_code == 403
    assert not Report.objects.exists()
    # Each at its own.
    filed = _post(client, "/arjeplog/open311/v2", their_key)
    assert filed.status_code == 201
    assert Report.objects.get().municipality == arjeplog
    filed = _post(client, "/open311/v2", their_key, jurisdiction_id="2506", device_id="2")
    assert filed.status_code == 201
    reference = json_of(filed)[0]["service_request_id"]
    # Reading with a key adds only the reports it filed itself: any key may ask.
    listed = client.get(
        "/open311/v2/requests.json", {"jurisdiction_id": "2506", "api_key": their_key}
    )
    assert reference in {r["service_request_id"] for r in json_of(listed)}


def test_the_command_makes_a_key_of_the_municipality_named(municipality, arjeplog):
    out = StringIO()
    call_command("open311_key", "create", "Appen", "--municipality", "2506", stdout=out)
    key = out.getvalue().split()[-1]
    assert api_key_find(key=key, municipality=arjeplog).municipality == arjeplog
    assert api_key_find(key=key, municipality=municipality) is None
    call_command("open311_key", "create", "Standard", stdout=StringIO())
    assert ApiKey.objects.get(name="Standard").municipality == municipality
    listing = StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert "\t2506\t" in listing.getvalue() and "\t2505\t" in listing.getvalue()


def test_the_migration_gives_existing_keys_to_their_makers_municipality(
    municipality, arjeplog, arjeplog_admin, arvidsjaur_admin
):
    """A key made by the administrator of one municipality is that one's; any other key
    (made with the command, or by someone of several or none) is the default's."""
    made_there, _key = api_key_create(
        name="Arjeplogs", municipality=None, created_by=arjeplog_admin.user
    )
    made_here, _key = api_key_create(
        name="Arvidsjaurs", municipality=None, created_by=arvidsjaur_admin.user
    )
    arjeplog.members.add(arvidsjaur_admin.user)  # now of both: the default's
    by_command, _key = api_key_create(name="Kommandot", municipality=None)
    migration = importlib.import_module("tryggve.open311.migrations.0002_api_key_municipality")
    migration.assign(django_apps, None)
    for row, expected in ((made_there, arjeplog), (made_here, municipality),
                          (by_command, municipality)):
        row.refresh_from_db()
        assert row.municipality == expected, row.name
