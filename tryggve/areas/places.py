"""Naming a place so a person can find it: residential area, nearest known street, and
coordinates that cannot be misread.

"65,59249, 19,17456" is ambiguous with the decimal comma; a place is instead written as
"65.59249° N, 19.17456° E" (the form map apps and GPS devices accept), for staff also in
SWEREF 99 TM, with the area and the nearest street the system knows (`Street`, filled by
`import_streets`; no network call, so mails and lists never wait for a geocoder).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from shapely.geometry import Point

from tryggve.areas.models import ResidentialArea, Street
from tryggve.lib.geo import bbox_around, geometry_to_sweref, to_sweref

# A street further away than this is not "near": the place is named by its area only.
NEAREST_STREET_M = 150


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    area: str = ""
    street: str = ""
    street_m: int | None = None
    street_approximate: bool = False

    @property
    def coordinates(self) -> str:
        """WGS84 with hemisphere letters and a decimal point: never read as four numbers."""
        ns = "N" if self.lat >= 0 else "S"
        ew = "E" if self.lon >= 0 else "W"
        return f"{abs(self.lat):.5f}° {ns}, {abs(self.lon):.5f}° {ew}"

    @property
    def sweref(self) -> str:
        """SWEREF 99 TM, the grid Swedish authorities and the police's maps use."""
        east, north = to_sweref(self.lon, self.lat)
        return f"N {north:.0f}, E {east:.0f}"

    @property
    def link(self) -> str:
        """A map centred on the place, which opens without any script on our side."""
        return settings.PLACE_LINK_URL.format(lat=f"{self.lat:.5f}", lon=f"{self.lon:.5f}")

    @property
    def street_text(self) -> str:
        if not self.street:
            return ""
        near = self.street_m is None or self.street_m > 15
        values = {"street": self.street, "m": self.street_m}
        # One bracket for both remarks: "(cirka 40 m) (gatans läge …)" reads as a stutter.
        if near and self.street_approximate:
            return _("nära %(street)s (cirka %(m)s m; gatans läge är ungefärligt)") % values
        if near:
            return _("nära %(street)s (cirka %(m)s m)") % values
        if self.street_approximate:
            return _("vid %(street)s (gatans läge är ungefärligt)") % values
        return _("vid %(street)s") % values

    @property
    def summary(self) -> str:
        """One line in words: "Centrum, nära Storgatan (cirka 40 m)"."""
        area = self.area or _("utanför bostadsområdena")
        return ", ".join(part for part in (area, self.street_text) if part)

    def __str__(self) -> str:
        return f"{self.summary}: {self.coordinates}"


def _rounded_m(metres: float) -> int:
    # A street's drawn line is no more exact than this; "cirka 37 m" would claim too much.
    return int(round(metres / 10.0) * 10) if metres >= 15 else int(round(metres))


def describe_places(points: Iterable[tuple[float, float]]) -> list[Place]:
    """Places for many (lat, lon) points with two queries in all (areas, nearby streets)."""
    points = list(points)
    if not points:
        return []
    boxes = [bbox_around(lat, lon, NEAREST_STREET_M) for lat, lon in points]
    min_lon = min(b[0] for b in boxes)
    min_lat = min(b[1] for b in boxes)
    max_lon = max(b[2] for b in boxes)
    max_lat = max(b[3] for b in boxes)
    areas = list(
        ResidentialArea.objects.filter(
            min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
        )
    )
    streets = [
        (s, geometry_to_sweref(s.shape))
        for s in Street.objects.near_bbox(min_lon, min_lat, max_lon, max_lat)
    ]
    places = []
    for lat, lon in points:
        inside = [a for a in areas if a.contains_point(lat, lon)]
        area = min(inside, key=lambda a: a.shape.area) if inside else None
        here = Point(*to_sweref(lon, lat))
        nearest = min(
            ((here.distance(geom), street) for street, geom in streets),
            key=lambda pair: pair[0],
            default=None,
        )
        street = nearest[1] if nearest and nearest[0] <= NEAREST_STREET_M else None
        places.append(
            Place(
                lat=lat,
                lon=lon,
                area=area.name if area else "",
                street=street.name if street else "",
                street_m=_rounded_m(nearest[0]) if street else None,
                street_approximate=bool(street and street.approximate),
            )
        )
    return places


def describe_place(lat: float | None, lon: float | None) -> Place | None:
    """The place at a position, or None when there is no position."""
    if lat is None or lon is None:
        return None
    return describe_places([(lat, lon)])[0]
