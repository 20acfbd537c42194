"""The admin of categories, units and response templates is scoped like the other models
of a municipality (issue 14): an administrator of Arvidsjaur lists, opens and chooses only
Arvidsjaur's rows (and those without a municipality, which are the default's); an
administrator of Arjeplog only Arjeplog's, and must choose it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tryggve.reports.models import Category, ResponseTemplate, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports_admin(administrator):
    user = administrator.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="reports"))
    return administrator


@pytest.fixture
def rows(municipality, arjeplog):
    return {
        "unit": (
            Unit.objects.create(municipality=municipality, name="Arvidsjaurs gata"),
            Unit.objects.create(municipality=arjeplog, name="Arjeplogs gata"),
        ),
        "responsetemplate": (
            ResponseTemplate.objects.create(title="Vår mall", text="x"),
            ResponseTemplate.objects.create(municipality=arjeplog, title="Deras mall", text="x"),
        ),
        "category": (
            Category.objects.for_municipality(municipality).get(slug="belysning"),
            arjeplog.categories.get(slug="belysning"),
        ),
    }


def test_arvidsjaurs_administrator_sees_only_arvidsjaurs_rows(
    reports_admin, municipality, arjeplog, rows
):
    municipality.members.add(reports_admin.user)
    for model, (ours, theirs) in rows.items():
        listing = reports_admin.get(f"/admin/reports/{model}/").context["cl"].result_list
        assert ours in listing
        assert theirs not in listing
        assert all(r.municipality_id in (None, municipality.pk) for r in listing)
        change = f"/admin/reports/{model}/{theirs.pk}/change/"
        assert reports_admin.get(change).status_code == 302  # "does not exist"
        assert reports_admin.get(f"/admin/reports/{model}/{ours.pk}/change/").status_code == 200
        form = reports_admin.get(f"/admin/reports/{model}/add/").context["adminform"].form
        assert list(form.fields["municipality"].queryset) == [municipality]
        # Rows without a municipality are the default's: its administrators may leave it.
        assert not form.fields["municipality"].required


def test_arjeplogs_administrator_must_choose_arjeplog(reports_admin, municipality, arjeplog, rows):
    arjeplog.members.add(reports_admin.user)
    listing = reports_admin.get("/admin/reports/responsetemplate/").context["cl"].result_list
    assert list(listing) == [rows["responsetemplate"][1]]
    response = reports_admin.post(
        "/admin/reports/unit/add/", {"name": "Utan kommun", "email": "", "active": "on"}
    )
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    response = reports_admin.post(
        "/admin/reports/unit/add/",
        {"municipality": municipality.pk, "name": "Fel kommun", "active": "on"},
    )
    assert "municipality" in response.context["adminform"].form.errors
    assert not Unit.objects.filter(name__in=["Utan kommun", "Fel kommun"]).exists()


def test_a_superuser_sees_every_municipalitys_rows(reports_admin, arjeplog, rows):
    reports_admin.user.is_superuser = True
    reports_admin.user.save()
    listing = reports_admin.get("/admin/reports/unit/").context["cl"].result_list
    assert set(listing) == set(rows["unit"])
