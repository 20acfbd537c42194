"""Staff roles. A role is a Django group; views check it on the server."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_HANDLER = "case_handler", _("Handläggare")
    POLICE_OFFICER = "police_officer", _("Polis")
    COUNCIL_READER = "council_reader", _("Läsare i Hälsa- och trygghetsrådet")
    ADMINISTRATOR = "administrator", _("Administratör")
    # Staff of a responsible unit (e.g. the street department) who log in only to act on
    # the cases sent to their unit; which unit is `reports.Unit.members`.
    UNIT_STAFF = "unit_staff", _("Personal på ansvarig enhet")


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(user.groups.values_list("name", flat=True)) & set(Role.values)
