"""Which municipalities a situation-picture page shows: the one served, another of the
police area, or the whole police area together.

The local police area covers several municipalities (LPO Piteå Älvdal: Piteå, Älvsbyn,
Arvidsjaur, Arjeplog), and its officers plan across all of them. A staff page of the
situation picture shows the municipality served now by default; the GET parameter `kommun`
picks another served municipality of the same police area, or `alla` for all of them. Only
municipalities the user may use (`tryggve.areas.access.staff_may_use`: a member, or a
police officer of the police area) are offered, and the whole police area only to those who
may use every one of its served municipalities; any other value is a 404, so a page never
shows a municipality its reader does not belong to.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from tryggve.accounts.roles import AREA_WIDE_ROLES
from tryggve.areas import access
from tryggve.areas.models import Municipality
from tryggve.areas.selectors import home_municipality, home_municipality_code
from tryggve.areas.serving import served_municipalities

PARAMETER = "kommun"
WHOLE_AREA = "alla"
# The police's abbreviation for a local police area, as the municipalities store its name.
POLICE_AREA_ABBREVIATION = "LPO "


def whole_area_label(police_area: str) -> str:
    """The whole police area in a choice or a heading: "Hela lokalpolisområdet Piteå
    Älvdal" for "LPO Piteå Älvdal", since the abbreviation means nothing to most readers."""
    if police_area.startswith(POLICE_AREA_ABBREVIATION):
        name = police_area.removeprefix(POLICE_AREA_ABBREVIATION)
        return _("Hela lokalpolisområdet %(name)s") % {"name": name}
    return _("Hela %(area)s") % {"area": police_area}


@dataclass(frozen=True)
class Scope:
    """The municipalities a page shows (their codes), and how it was chosen."""

    # The rows (areas, incidents, presence, alerts, the risk map) are filtered by these
    # also while one municipality is served: a neighbour's may be kept beside it.
    codes: tuple[str, ...]
    # Several municipalities together: areas are then named with their municipality.
    whole_area: bool
    # The value of `kommun` chosen ("" for the municipality served), for links and forms.
    value: str
    # (value, label) pairs to choose between; empty when there is nothing to choose.
    choices: tuple[tuple[str, str], ...]
    label: str

    @property
    def usable(self) -> tuple[str, ...]:
        """Every municipality the user may choose here (only `codes` when there is no choice):
        where what they log from this page may count."""
        return tuple(v for v, _label in self.choices if v != WHOLE_AREA) or self.codes

    @property
    def code(self) -> str | None:
        """The one municipality shown, or None for the whole police area."""
        return None if self.whole_area else self.codes[0]


def _choosable(user, roles) -> tuple[list[Municipality], bool]:
    """The served municipalities of the police area served now that `user` may use (the
    one served now first; only it when it belongs to no police area), and whether they are
    all of the police area's served municipalities."""
    here = home_municipality()
    if here is None:
        return [], False
    served = served_municipalities()
    if not here.police_area or len(served) < 2:
        return [here], False
    area_wide = bool(set(roles) & AREA_WIDE_ROLES)
    codes = [
        s.code for s in served
        if s.police_area == here.police_area
        and access.staff_may_use(user, area_wide=area_wide, code=s.code)
    ]
    others = Municipality.objects.filter(code__in=codes).exclude(pk=here.pk).order_by("name")
    of_area = sum(1 for s in served if s.police_area == here.police_area)
    return [here, *others], len(codes) == of_area


def scope_for(request) -> Scope:
    """The scope asked for by `request.GET["kommun"]`, or a 404 for one not offered."""
    municipalities, all_of_area = _choosable(request.user, getattr(request, "roles", ()))
    if not municipalities:
        # No municipality set up yet: the page shows what it always did.
        return Scope((home_municipality_code(),), False, "", (), "")
    here = municipalities[0]
    choices: list[tuple[str, str]] = []
    if len(municipalities) > 1:
        choices = [(m.code, m.name) for m in municipalities]
        if all_of_area:
            choices.append((WHOLE_AREA, whole_area_label(here.police_area)))
    value = request.GET.get(PARAMETER, "")
    if value in ("", here.code):
        return Scope((here.code,), False, "", tuple(choices), here.name)
    if value not in dict(choices):
        raise Http404(_("Den kommunen ingår inte i det ni kan se."))
    if value == WHOLE_AREA:
        codes = tuple(m.code for m in municipalities)
        return Scope(codes, True, value, tuple(choices), whole_area_label(here.police_area))
    chosen = next(m for m in municipalities if m.code == value)
    return Scope((chosen.code,), False, value, tuple(choices), chosen.name)
