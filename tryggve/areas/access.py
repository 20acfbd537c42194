"""Which staff user may use which municipality's staff pages.

A staff user may use the staff pages of the municipality served now if they are one of its
members (`Municipality.members`). A user whose role sees the whole police area (police
officers: `tryggve.accounts.roles.AREA_WIDE_ROLES`) and who belongs to any municipality of
that police area sees all of its served municipalities. Superusers see all. In a deployment
that serves one municipality every staff user belongs to it, so accounts made later (the
admin, `createsuperuser`) work as before. Everyone else gets a 404: a staff page of a
municipality one does not belong to does not exist for them.

Registered with tryggve.lib.tenancy when the apps load (AreasConfig.ready).
"""

from __future__ import annotations

from tryggve.areas import serving as routing
from tryggve.lib import tenancy
from tryggve.lib.links import absolute_url


def member_pks(user) -> set[int]:
    """The municipalities `user` belongs to (looked up once per request)."""
    serving_now = tenancy.current()
    memo = serving_now.memo if serving_now is not None else {}
    key = ("members", user.pk)
    if key not in memo:
        memo[key] = set(user.municipalities.values_list("pk", flat=True))
    return memo[key]


def staff_may_use(user, *, area_wide: bool, code: str | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    served = routing.served_municipalities()
    code = code or tenancy.current_code()
    here = next((s for s in served if s.code == code), None)
    if here is None or len(served) == 1:
        # Routing off or not set up yet (no boundary loaded): one municipality is served.
        return True
    mine = member_pks(user)
    if here.pk in mine:
        return True
    if area_wide and here.police_area:
        return any(s.pk in mine and s.police_area == here.police_area for s in served)
    return False


def visible_codes(user, *, area_wide: bool) -> list[str]:
    """The served municipalities whose staff pages `user` may use."""
    return [
        s.code for s in routing.served_municipalities()
        if staff_may_use(user, area_wide=area_wide, code=s.code)
    ]


def staff_home_elsewhere(user, request=None) -> str | None:
    """The staff start page at the first served municipality `user` is a member of, for one
    who logged in at another municipality's site (whose staff pages are a 404 to them).
    Only a membership counts: a police officer sees the whole police area from any of it."""
    if not user.is_authenticated:
        return None
    mine = member_pks(user)
    other = next(
        (s for s in routing.served_municipalities()
         if s.pk in mine and s.code != tenancy.current_code()),
        None,
    )
    if other is None:
        return None
    with routing.serving_for(other.code):
        return absolute_url("accounts:home", request)
