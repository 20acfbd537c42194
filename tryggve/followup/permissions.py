"""The follow-up's page keys in `accounts.roles.PAGE_PERMISSIONS` (the roles live there), and
the one check of which activity a user may edit."""

from __future__ import annotations

from tryggve.accounts.roles import FOLLOWUP_PARTY_EDITORS

# Every staff role reads the promise and its follow-up; case handlers, police officers and
# administrators edit (each only their own party's activities, see `may_edit_activity`).
FOLLOWUP_READ = "followup.read"
FOLLOWUP_EDIT = "followup.edit"
# Baselines and targets of the live indicators.
FOLLOWUP_INDICATOR_SETTINGS = "followup.indicator_settings"


def may_edit_party(roles: set[str], party: str) -> bool:
    """Whether a user with `roles` may edit activities for which `party` is responsible."""
    return bool(set(roles) & FOLLOWUP_PARTY_EDITORS.get(party, frozenset()))


def may_edit_activity(roles: set[str], activity) -> bool:
    """Police officers edit the police's activities, case handlers the municipality's,
    administrators all; an activity of both parties is edited by either."""
    return may_edit_party(roles, activity.responsible_party)


def editable_parties(roles: set[str]) -> list[str]:
    """The responsible parties a user may choose for a new activity."""
    return [party for party in FOLLOWUP_PARTY_EDITORS if may_edit_party(roles, party)]
