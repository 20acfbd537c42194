"""Staff roles and which staff page each role may open: the one place these are written.

A role is a Django group; views check it on the server through `staff_required(<page>)`,
the staff menu is derived from `MENU`, and the role-matrix tests are generated from
`PAGE_PERMISSIONS`. Nothing else names roles for access.
"""

from __future__ import annotations

from dataclasses import dataclass

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


_CH, _PO, _CR, _AD = Role.CASE_HANDLER, Role.POLICE_OFFICER, Role.COUNCIL_READER, Role.ADMINISTRATOR
# The municipality's and the police's own staff; a unit's staff see only their unit's cases.
STAFF_ROLES = frozenset({_CH, _PO, _CR, _AD})
ALL_ROLES = frozenset(Role)
# Roles that see every municipality of their police area that the deployment serves (the
# local police area covers several municipalities); everyone else sees only the
# municipalities they are a member of (tryggve.areas.access).
AREA_WIDE_ROLES = frozenset({_PO})

# Page key -> the roles that may open it. Every staff view names one key.
PAGE_PERMISSIONS: dict[str, frozenset[Role]] = {
    "home": ALL_ROLES,
    # Otrygga platser: the cases themselves (personal data) and the figures (none).
    "reports.cases": frozenset({_CH, _AD}),
    "reports.figures": STAFF_ROLES,
    # A unit's pages behind the login: any role may belong to a unit; the list shows only
    # the user's units' cases, and a case opens only to members of its unit.
    "reports.unit": ALL_ROLES,
    "reports.unit_case": ALL_ROLES,
    # Lägesbild: reading, the operational maps, logging presence, staff observations.
    "analytics.read": STAFF_ROLES,
    "analytics.operational": frozenset({_CH, _PO, _AD}),
    "analytics.presence_log": frozenset({_PO, _AD}),
    "analytics.observation": frozenset({_CH, _AD}),
    # Single incidents with their exact time and place (the near-repeat alerts on the
    # overview): not the council's readers, who see aggregates only (data minimisation).
    "analytics.incidents": frozenset({_CH, _PO, _AD}),
    # Uploading incident files (the police's or the municipality's own) and their history.
    "analytics.import": frozenset({_CH, _PO, _AD}),
    # Grannsamverkan: running the areas (households' contact details) and the figures.
    "watch.manage": frozenset({_CH, _PO, _AD}),
    "watch.read": STAFF_ROLES,
    # Trygghetsenkät: building surveys, paper entry and free text; reading results.
    "surveys.edit": frozenset({_CH, _AD}),
    "surveys.read": frozenset({_CH, _AD, _CR}),
    # Uppföljning: the promises, their activities and progress; the council reads. Which
    # activity an editor may change is `FOLLOWUP_PARTY_EDITORS` below.
    "followup.read": STAFF_ROLES,
    "followup.edit": frozenset({_CH, _PO, _AD}),
    # Open311: the API keys of other systems (who may file reports on residents' behalf).
    "open311.keys": frozenset({_AD}),
    # Hälsa- och trygghetsrådet: everyone reads the meetings and their reports; case handlers
    # and administrators hold the meetings, the recipients and the sending (mail leaves the
    # municipality); police officers also record the council's decisions, on the activities
    # they edit (`FOLLOWUP_PARTY_EDITORS`).
    "followup.council": STAFF_ROLES,
    "followup.council_manage": frozenset({_CH, _AD}),
    "followup.council_decide": frozenset({_CH, _PO, _AD}),
    # The live indicators' baselines and targets: the municipality's own case handlers.
    "followup.indicator_settings": frozenset({_CH, _AD}),
    # A registered person's rights: everything about one e-mail address or phone number
    # (reports, watch sign-ups, mail), the extract and the erasure.
    "rights.requests": frozenset({_AD}),
    # The admin (reference data); it also needs the account's is_staff flag.
    "admin": frozenset({_AD}),
}

# Who edits a promise's activity, by the party responsible for it (the values of
# `followup.models.Party`): police officers the police's, case handlers the municipality's,
# administrators all; an activity of both parties is edited by either.
FOLLOWUP_PARTY_EDITORS: dict[str, frozenset[Role]] = {
    "municipality": frozenset({_CH, _AD}),
    "police": frozenset({_PO, _AD}),
    "both": frozenset({_CH, _PO, _AD}),
}

# Pages whose view checks more than the role (membership of the case's unit): a role in the
# table opens the door, the view may still answer 403. The role-matrix test knows them by this.
CHECKED_FURTHER_IN_VIEW = frozenset({"reports.unit_case"})


@dataclass(frozen=True)
class MenuEntry:
    label: str
    # (page key, url name) alternatives: the first one the user's roles open is linked.
    targets: tuple[tuple[str, str], ...]
    # Shown only when this related manager of the user holds something: a unit's cases open
    # by membership of the unit (`reports.Unit.members`, related name "units"), not by role.
    member_of: str = ""


# The staff menu, in order. The start page is always first (see `templatetags/staff.py`).
MENU: tuple[MenuEntry, ...] = (
    MenuEntry(_("Inkorgen"), (("reports.cases", "reports:staff_inbox"),)),
    MenuEntry(
        _("Grannsamverkan"),
        (("watch.manage", "watch:staff_index"), ("watch.read", "watch:staff_figures")),
    ),
    MenuEntry(_("Min enhets ärenden"), (("reports.unit", "reports:unit_inbox"),), "units"),
    MenuEntry(_("Lägesbild"), (("analytics.read", "analytics:overview"),)),
    MenuEntry(_("Siffror"), (("reports.figures", "reports:staff_figures"),)),
    MenuEntry(_("Trygghetsenkät"), (("surveys.read", "surveys:staff_list"),)),
    MenuEntry(_("Uppföljning"), (("followup.read", "followup:overview"),)),
    MenuEntry(_("API-nycklar"), (("open311.keys", "open311:staff_keys"),)),
    MenuEntry(_("Registerutdrag"), (("rights.requests", "rights:person"),)),
    MenuEntry(_("Administration"), (("admin", "admin:index"),)),
)


def roles_for(page: str) -> frozenset[Role]:
    """The roles that may open `page` (a KeyError names a page missing from the table)."""
    return PAGE_PERMISSIONS[page]


def may_open(roles: set[str], page: str) -> bool:
    return bool(set(roles) & PAGE_PERMISSIONS[page])


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(user.groups.values_list("name", flat=True)) & set(Role.values)


def role_label(name: str):
    """The role's Swedish label for a group name; any other group keeps its own name."""
    return Role(name).label if name in Role.values else name
