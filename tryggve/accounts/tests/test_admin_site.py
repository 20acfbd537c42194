"""The admin: Swedish names for everything staff see, and a 403 page for staff without rights."""

import pytest
from django.contrib.auth.models import Group


@pytest.mark.django_db
def test_admin_index_names_every_app_in_swedish(superuser):
    page = superuser.get("/admin/").content.decode()
    for swedish in [
        "Inloggningsspärrar",
        "Tvåfaktorsinloggning",
        "Bakgrundsjobb",
        "Utskick",
        "Användare och roller",
        "Misslyckade inloggningsförsök",
        "Autentiseringsappar",
        "Trygg i Arvidsjaur: administration",
    ]:
        assert swedish in page, swedish
    english_names = ["Axes", "AXES", "Otp_Totp", "OTP_TOTP", "Task Results", ">Lib<", "Tasks Data"]
    for english in english_names:
        assert english not in page, english


@pytest.mark.django_db
def test_groups_are_shown_by_their_role_label(superuser, case_handler):
    page = superuser.get("/admin/auth/group/").content.decode()
    assert "Handläggare" in page
    assert "case_handler" not in page
    user_page = superuser.get(f"/admin/auth/user/{case_handler.user.pk}/change/")
    assert "Handläggare" in user_page.content.decode()
    assert str(Group(name="egen grupp")) == "egen grupp"


@pytest.mark.django_db
def test_staff_without_admin_rights_get_a_403_page_not_a_login_form(case_handler):
    for path in ["/admin/", "/admin/reports/category/"]:
        response = case_handler.get(path, follow=True)
        assert response.status_code == 403, path
        body = response.content.decode()
        assert "Du har inte behörighet" in body
        assert 'name="password"' not in body


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_staff_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/personal/logga-in/?next=")
    assert 'name="password"' in response.content.decode()


@pytest.mark.django_db
def test_unverified_staff_are_sent_to_the_second_factor(client, django_user_model):
    user = django_user_model.objects.create_user(username="ny", password="x" * 16, is_staff=True)
    client.force_login(user)
    final = client.get("/admin/", follow=True)
    assert final.redirect_chain[-1][0].startswith("/personal/tvafaktor/?next=")


@pytest.mark.django_db
def test_the_header_names_the_municipality_served(superuser, arjeplog):
    """Arjeplog's staff in their own admin must not read that they are in Arvidsjaur's."""
    page = superuser.get("/arjeplog/admin/").content.decode()
    assert "Trygghet i Arjeplogs kommun: administration" in page
    assert "Trygg i Arvidsjaur" not in page
    superuser.cookies["django_language"] = "en"
    english = superuser.get("/admin/").content.decode()
    assert "Safe in Arvidsjaur: administration" in english
