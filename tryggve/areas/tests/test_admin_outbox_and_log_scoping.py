"""The outbox and the access log in the admin, per municipality (issue 14).

Both carry the code of the municipality served when the row was written. An administrator
of Arvidsjaur given the admin's view rights on them (no superuser) saw every municipality's
rows: the addresses and subjects of Arjeplog's residents' mail, and which of Arjeplog's
cases its staff read. Now they list and open only Arvidsjaur's; a superuser, and everyone
while one municipality is served, all of them.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib import tenancy
from tryggve.lib.mail import mail_queue, sms_queue
from tryggve.lib.models import OutgoingMail

pytestmark = pytest.mark.django_db

PAGES = {"mail": "/admin/lib/outgoingmail/", "log": "/admin/audit/accesslog/"}


@pytest.fixture
def rows(municipality):
    """A mail, a text message and an access-log row written for each municipality."""
    written = {}
    for code, who in (("2505", "arvidsjaur"), ("2506", "arjeplog")):
        with tenancy.serving(code):
            written[code] = (
                mail_queue(to=f"boende@{who}.example", subject=f"Kvitto {who}", body="Tack"),
                sms_queue(to="070-123 45 67", body=f"Bekräfta {who}"),
                access_log_record(
                    actor=None, action="view", purpose="case", subject=f"Ärende i {who}"
                ),
            )
    return written


@pytest.fixture
def arvidsjaur_admin(administrator, municipality):
    """An administrator of Arvidsjaur with the admin's view rights on the outbox and the
    log, not a superuser."""
    user = administrator.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_outgoingmail", "view_accesslog"])
    )
    municipality.members.add(user)
    return administrator


def test_the_rows_carry_the_municipality_served(rows):
    for code, written in rows.items():
        assert {row.municipality_code for row in written} == {code}


def test_an_administrator_lists_and_opens_only_their_municipalitys_rows(
    arvidsjaur_admin, arjeplog, rows
):
    mail = arvidsjaur_admin.get(PAGES["mail"]).content.decode()
    assert "boende@arvidsjaur.example" in mail and "Bekräfta arvidsjaur" in mail
    assert "arjeplog" not in mail.lower()
    log = arvidsjaur_admin.get(PAGES["log"]).content.decode()
    assert "Ärende i arvidsjaur" in log and "Ärende i arjeplog" not in log
    theirs_mail, _sms, theirs_log = rows["2506"]
    for path in (
        f"{PAGES['mail']}{theirs_mail.pk}/change/",
        f"{PAGES['log']}{theirs_log.pk}/change/",
    ):
        response = arvidsjaur_admin.get(path)
        # The admin answers a row outside its queryset with "does not exist".
        assert response.status_code == 302, path
        assert "arjeplog" not in arvidsjaur_admin.get(response["Location"]).content.decode()


def test_rows_from_before_are_the_defaults(arvidsjaur_admin, arjeplog, rows):
    OutgoingMail.objects.filter(municipality_code="2505").update(municipality_code="")
    AccessLog.objects.filter(municipality_code="2505").update(municipality_code="")
    assert "boende@arvidsjaur.example" in arvidsjaur_admin.get(PAGES["mail"]).content.decode()
    assert "Ärende i arvidsjaur" in arvidsjaur_admin.get(PAGES["log"]).content.decode()


def test_a_superuser_and_a_single_municipality_deployment_see_every_row(
    arvidsjaur_admin, arjeplog, rows, settings
):
    settings.MUNICIPALITY_ROUTING = False
    assert "boende@arjeplog.example" in arvidsjaur_admin.get(PAGES["mail"]).content.decode()
    settings.MUNICIPALITY_ROUTING = True
    arvidsjaur_admin.user.is_superuser = True
    arvidsjaur_admin.user.save()
    assert "boende@arjeplog.example" in arvidsjaur_admin.get(PAGES["mail"]).content.decode()
    assert "Ärende i arjeplog" in arvidsjaur_admin.get(PAGES["log"]).content.decode()


def test_reading_a_case_at_arjeplogs_address_logs_arjeplog(
    django_user_model, arjeplog, make_report
):
    from tryggve.conftest import ARJEPLOG, _staff_client

    with tenancy.serving("2506"):
        report = make_report(at=ARJEPLOG, contact_name="Anna")
    handler = _staff_client(django_user_model, "arja", "case_handler")
    arjeplog.members.add(handler.user)
    assert handler.get(f"/arjeplog/personal/arenden/{report.reference}/").status_code == 200
    assert AccessLog.objects.get().municipality_code == "2506"


def test_the_migration_gives_a_members_earlier_reading_to_their_municipality(
    django_user_model, municipality, arjeplog
):
    import importlib

    from django.apps import apps as django_apps

    from tryggve.conftest import _staff_client

    theirs = _staff_client(django_user_model, "arja", "case_handler").user
    arjeplog.members.add(theirs)
    both = _staff_client(django_user_model, "bada", "case_handler").user
    arjeplog.members.add(both)
    municipality.members.add(both)
    rows = [
        AccessLog.objects.create(actor=actor, action="view", subject="x")
        for actor in (theirs, both, None)
    ]
    name = "tryggve.audit.migrations.0005_earlier_rows_to_their_municipality"
    migration = importlib.import_module(name)
    migration.fill(django_apps, None)
    assert [AccessLog.objects.get(pk=r.pk).municipality_code for r in rows] == ["2506", "", ""]
