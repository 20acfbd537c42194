"""`{% place_of lat lon as place %}`: a position named for people (see areas/places.py)."""

from django import template
from django.utils.translation import gettext as _

from tryggve.areas.places import Place, describe_place
from tryggve.areas.selectors import map_context

register = template.Library()


@register.simple_tag
def place_of(lat, lon) -> Place | None:
    return describe_place(lat, lon)


@register.simple_tag
def place_map_config(place: Place) -> dict:
    """The page's map settings, centred on the place (for the mini-map's script)."""
    config = map_context(
        tilesFailed=_("Kartbilden kunde inte laddas. Platsen står i ord och koordinater ovan.")
    )["map_config"]
    return {**config, "center": [place.lat, place.lon], "keepCenter": True}
