"""The outbox in the admin: mail bodies for administrators only, link tokens masked
(issue 8, item 11)."""

import pytest
from django.contrib.auth.models import Permission

from tryggve.lib.models import OutgoingMail
from tryggve.lib.tokens import mask_tokens, new_token

TOKEN = new_token()
BODY = f"Hej Anna!\n\nFölj ärendet OTR-2026-00042: https://tryggve.example/rapport/{TOKEN}/\n"


@pytest.fixture
def mail_row(db):
    return OutgoingMail.objects.create(to="anna@example.se", subject="Kvitto", body=BODY)


def test_mask_tokens_keeps_words_and_references():
    masked = mask_tokens(BODY)
    assert TOKEN not in masked and TOKEN[:4] + "…" in masked
    assert "OTR-2026-00042" in masked and "Hej Anna!" in masked
    assert mask_tokens("/tryggare/abcdefghij0123456789xyz/") == "/tryggare/abcd…/"
    assert mask_tokens("/karta/OTR-2026-00042/") == "/karta/OTR-2026-00042/"


@pytest.mark.django_db
def test_administrator_sees_the_body_with_tokens_masked(superuser, mail_row):
    body = superuser.get(f"/admin/lib/outgoingmail/{mail_row.pk}/change/").content.decode()
    assert "Följ ärendet OTR-2026-00042" in body
    assert TOKEN not in body


@pytest.mark.django_db
def test_other_staff_in_the_admin_do_not_see_the_body(case_handler, mail_row):
    user = case_handler.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    response = case_handler.get(f"/admin/lib/outgoingmail/{mail_row.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kvitto" in body  # the subject, to follow deliveries
    assert "Följ ärendet" not in body and TOKEN not in body


@pytest.mark.django_db
def test_reading_the_outbox_in_the_admin_is_logged(superuser, mail_row):
    """The list shows recipients' addresses and a row its text: each read is logged, as
    on the staff pages (the admin is no way round the access log)."""
    from tryggve.audit.models import AccessLog

    assert superuser.get("/admin/lib/outgoingmail/").status_code == 200
    assert superuser.get(f"/admin/lib/outgoingmail/{mail_row.pk}/change/").status_code == 200
    rows = list(AccessLog.objects.order_by("created", "pk"))
    assert [r.actor for r in rows] == [superuser.user, superuser.user]
    assert {r.purpose for r in rows} == {AccessLog.Purpose.OUTBOX}
    assert str(mail_row.pk) in rows[1].subject


@pytest.mark.django_db
def test_the_access_log_cannot_be_changed_or_deleted_in_the_admin(superuser, case_handler):
    from tryggve.audit.models import AccessLog
    from tryggve.audit.services import access_log_record

    row = access_log_record(
        actor=case_handler.user, action=AccessLog.Action.VIEW,
        purpose=AccessLog.Purpose.CASE, subject="OTR-2026-00001 ärendet",
    )
    base = f"/admin/audit/accesslog/{row.pk}"
    assert superuser.get("/admin/audit/accesslog/").status_code == 200
    superuser.post(f"{base}/change/", {"subject": "ändrat"})
    superuser.post(f"{base}/delete/", {"post": "yes"})
    superuser.post(
        "/admin/audit/accesslog/", {"action": "delete_selected", "_selected_action": [row.pk]}
    )
    row.refresh_from_db()
    assert row.subject == "OTR-2026-00001 ärendet"
    assert case_handler.get("/admin/audit/accesslog/").status_code in (302, 403)
