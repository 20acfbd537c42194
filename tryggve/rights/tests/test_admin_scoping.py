"""The access log and the outbox in the admin: an administrator of Arvidsjaur reads only
Arvidsjaur's rows while Arjeplog is served beside it (who read which of Arjeplog's cases,
Arjeplog's residents' addresses are not theirs); a superuser reads all."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib.mail import mail_queue
from tryggve.lib.tenancy import serving

pytestmark = pytest.mark.django_db


@pytest.fixture
def arvidsjaur_admin(administrator, municipality):
    user = administrator.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        Permission.objects.get(codename="view_accesslog", content_type__app_label="audit"),
        Permission.objects.get(codename="view_outgoingmail"),
    )
    municipality.members.add(user)
    return administrator


@pytest.fixture
def rows(arjeplog, case_handler):
    made = {}
    for code, name in (("2505", "arvidsjaur"), ("2506", "arjeplog")):
        with serving(code):
            made[f"log_{name}"] = access_log_record(
                actor=case_handler.user, action=AccessLog.Action.VIEW,
                purpose=AccessLog.Purpose.CASE, subject=f"ärende i {name}",
            )
            made[f"mail_{name}"] = mail_queue(
                to=f"invanare@{name}.example", subject="Kvitto", body="Tack"
            )
    return made


def test_each_row_carries_the_municipality_served(rows):
    assert rows["log_arjeplog"].municipality_code == "2506"
    assert rows["mail_arjeplog"].municipality_code == "2506"
    assert rows["log_arvidsjaur"].municipality_code == "2505"


def test_an_administrator_reads_only_their_municipalitys_log_and_mail(arvidsjaur_admin, rows):
    log = arvidsjaur_admin.get("/admin/audit/accesslog/")
    assert [r.subject for r in log.context["cl"].result_list] == ["ärende i arvidsjaur"]
    outbox = arvidsjaur_admin.get("/admin/lib/outgoingmail/").content.decode()
    assert "invanare@arvidsjaur.example" in outbox
    assert "invanare@arjeplog.example" not in outbox
    theirs = rows["mail_arjeplog"].pk
    assert arvidsjaur_admin.get(f"/admin/lib/outgoingmail/{theirs}/change/").status_code == 302
    theirs = rows["log_arjeplog"].pk
    assert arvidsjaur_admin.get(f"/admin/audit/accesslog/{theirs}/change/").status_code == 302


def test_a_superuser_reads_all(superuser, rows):
    log = superuser.get("/admin/audit/accesslog/")
    assert {r.subject for r in log.context["cl"].result_list} == {
        "ärende i arvidsjaur", "ärende i arjeplog"
    }
    outbox = superuser.get("/admin/lib/outgoingmail/").content.decode()
    assert "invanare@arjeplog.example" in outbox


def test_the_registerutdrag_finds_only_the_served_municipalitys_mail(administrator, rows):
    from tryggve.rights.services import person_data_find

    theirs = "invanare@arjeplog.example"
    with serving("2505"):
        assert person_data_find(email=theirs).messages == []
    with serving("2506"):
        assert [m.to for m in person_data_find(email=theirs).messages] == [theirs]
