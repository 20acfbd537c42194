"""Every role's group exists after `migrate`, so that an administrator of a fresh install
(an account from `createsuperuser`, docs/operations.md) can give it a role in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tryggve.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_migrate_makes_every_roles_group_and_keeps_the_others():
    Group.objects.all().delete()
    Group.objects.create(name="Egen grupp")
    call_command("migrate", verbosity=0, interactive=False)
    assert set(Group.objects.values_list("name", flat=True)) == {*Role.values, "Egen grupp"}
    call_command("migrate", verbosity=0, interactive=False)
    assert Group.objects.count() == len(Role) + 1


def test_a_superuser_given_the_administrators_group_in_the_admin_opens_the_staff_pages(
    client, django_user_model, settings
):
    settings.STAFF_REQUIRE_OTP = False
    user = django_user_model.objects.create_superuser("ops", "ops@example.se", "x" * 20)
    client.force_login(user)
    assert client.get("/personal/").status_code == 403
    user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    assert client.get("/personal/").status_code == 200
