"""The admin of models that belong to a municipality (issue 14): an administrator of
Arvidsjaur lists, opens and chooses only Arvidsjaur's rows while Arjeplog is served beside
it; a superuser sees all; with one municipality served nothing is hidden."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tryggve.areas.models import Municipality, ResidentialArea, Street

pytestmark = pytest.mark.django_db

MODELS = ["municipality", "residentialarea", "street", "populationcount"]


@pytest.fixture
def arvidsjaur_admin(administrator, municipality):
    """An administrator with admin rights on the areas app, a member of Arvidsjaur only."""
    user = administrator.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="areas"))
    municipality.members.add(user)
    return administrator


@pytest.fixture
def arjeplog_street(arjeplog):
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    street = Street(municipality=arjeplog, name="Hemliga gränd")
    street.set_geometry(laisvall.shape)
    street.save()
    return street


def test_the_lists_show_only_the_users_municipalities(arvidsjaur_admin, arjeplog, arjeplog_street):
    for model in MODELS:
        assert arvidsjaur_admin.get(f"/admin/areas/{model}/").status_code == 200
    areas = arvidsjaur_admin.get("/admin/areas/residentialarea/")
    assert {a.municipality.code for a in areas.context["cl"].result_list} == {"2505"}
    assert "Laisvall" not in areas.content.decode()
    municipalities = arvidsjaur_admin.get("/admin/areas/municipality/").context["cl"]
    assert [m.code for m in municipalities.result_list] == ["2505"]
    streets = arvidsjaur_admin.get("/admin/areas/street/").content.decode()
    assert "Hemliga gränd" not in streets


def test_another_municipalitys_row_does_not_open(arvidsjaur_admin, arjeplog, arjeplog_street):
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    for path in (
        f"/admin/areas/residentialarea/{laisvall.pk}/change/",
        f"/admin/areas/street/{arjeplog_street.pk}/change/",
        f"/admin/areas/municipality/{arjeplog.pk}/change/",
    ):
        response = arvidsjaur_admin.get(path)
        # Django's admin answers a row outside its queryset by a redirect to the index
        # with "does not exist"; never the row's form.
        assert response.status_code == 302
        assert arvidsjaur_admin.post(path, {"name": "Ändrad"}).status_code == 302
    laisvall.refresh_from_db()
    arjeplog_street.refresh_from_db()
    assert (laisvall.name, arjeplog_street.name) == ("Laisvall", "Hemliga gränd")


def test_the_choices_are_the_users_municipalities_and_areas(
    arvidsjaur_admin, municipality, arjeplog
):
    form = arvidsjaur_admin.get("/admin/areas/street/add/").context["adminform"].form
    assert list(form.fields["municipality"].queryset) == [municipality]
    population = arvidsjaur_admin.get("/admin/areas/populationcount/add/").context["adminform"]
    area_codes = {a.municipality.code for a in population.form.fields["area"].queryset}
    assert area_codes == {"2505"}
    # Saving a row for Arjeplog is refused by the form: not one of the choices.
    response = arvidsjaur_admin.post(
        "/admin/areas/street/add/",
        {"municipality": arjeplog.pk, "name": "Ny gata", "geometry": "{}", "approximate": "on"},
    )
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    assert not Street.objects.filter(name="Ny gata").exists()


def test_the_sms_sender_is_edited_in_the_admin(arvidsjaur_admin, municipality):
    page = arvidsjaur_admin.get(f"/admin/areas/municipality/{municipality.pk}/change/")
    assert page.status_code == 200
    assert 'name="sms_sender"' in page.content.decode()


def test_a_superuser_sees_every_municipality(arvidsjaur_admin, arjeplog, arjeplog_street):
    arvidsjaur_admin.user.is_superuser = True
    arvidsjaur_admin.user.save()
    listing = arvidsjaur_admin.get("/admin/areas/municipality/").context["cl"]
    assert {m.code for m in listing.result_list} == {"2505", "2506"}
    assert "Hemliga gränd" in arvidsjaur_admin.get("/admin/areas/street/").content.decode()


def test_with_one_municipality_served_nothing_is_hidden(administrator, municipality, other_area):
    user = administrator.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="areas"))
    listing = administrator.get("/admin/areas/municipality/").context["cl"]
    assert {m.code for m in listing.result_list} == set(
        Municipality.objects.values_list("code", flat=True)
    )


def test_watch_areas_and_promises_are_scoped_too(arvidsjaur_admin, municipality, arjeplog):
    from tryggve.watch.models import WatchArea

    user = arvidsjaur_admin.user
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["watch", "followup"])
    )
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    theirs = WatchArea(
        name="Laisvall grannsamverkan", slug="laisvall", residential_area=laisvall, households=9
    )
    theirs.set_geometry(laisvall.shape)
    theirs.save()
    ours = WatchArea(
        name="Centrum grannsamverkan", slug="centrum", residential_area=centrum, households=9
    )
    ours.set_geometry(centrum.shape)
    ours.save()
    drawn = WatchArea(name="Ritat område", slug="ritat", residential_area=None, households=9)
    drawn.set_geometry(centrum.shape)
    drawn.save()
    listing = arvidsjaur_admin.get("/admin/watch/watcharea/").context["cl"]
    assert {w.name for w in listing.result_list} == {"Centrum grannsamverkan", "Ritat område"}
    assert arvidsjaur_admin.get(f"/admin/watch/watcharea/{theirs.pk}/change/").status_code == 302
    page = arvidsjaur_admin.get("/admin/followup/promise/add/")
    assert list(page.context["adminform"].form.fields["municipality"].queryset) == [municipality]


def test_only_a_superuser_adds_removes_or_moves_a_municipality(
    arvidsjaur_admin, municipality, arjeplog
):
    assert arvidsjaur_admin.get("/admin/areas/municipality/add/").status_code == 403
    delete = f"/admin/areas/municipality/{municipality.pk}/delete/"
    assert arvidsjaur_admin.post(delete, {"post": "yes"}).status_code == 403
    page = arvidsjaur_admin.get(f"/admin/areas/municipality/{municipality.pk}/change/")
    form = page.context["adminform"].form
    # The police area decides which officers see the incidents: shown, not editable.
    assert "police_area" not in form.fields and "code" not in form.fields
    assert "LPO Piteå Älvdal" in page.content.decode()
    assert Municipality.objects.filter(pk=municipality.pk).exists()


def test_the_staff_pickers_offer_no_other_municipalitys_staff(
    arvidsjaur_admin, municipality, arjeplog, django_user_model
):
    theirs = django_user_model.objects.create_user(username="arjeplogs-handlaggare")
    arjeplog.members.add(theirs)
    new = django_user_model.objects.create_user(username="ny-handlaggare")
    page = arvidsjaur_admin.get(f"/admin/areas/municipality/{municipality.pk}/change/")
    offered = set(page.context["adminform"].form.fields["members"].queryset)
    assert theirs not in offered
    assert {new, arvidsjaur_admin.user} <= offered
    # Added and saved through the form as the page offers it.
    form = page.context["adminform"].form
    data = {
        name: form[name].value() for name in form.fields
        if form[name].value() not in (None, "") and name not in ("logo", "members")
    }
    data["members"] = [arvidsjaur_admin.user.pk, new.pk]
    answer = arvidsjaur_admin.post(f"/admin/areas/municipality/{municipality.pk}/change/", data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    assert set(municipality.members.all()) == {arvidsjaur_admin.user, new}
    assert set(arjeplog.members.all()) == {theirs}
