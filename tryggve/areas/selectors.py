"""Read-only questions about geography that other apps ask."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from tryggve.areas import serving as routing
from tryggve.areas.models import AreaKind, Municipality, PopulationCount, ResidentialArea
from tryggve.lib import tenancy
from tryggve.lib.geo import geometry_to_sweref


def home_municipality() -> Municipality | None:
    """The municipality served now: the request's (host or path, tryggve.areas.middleware),
    else the default one (`settings.MUNICIPALITY_CODE`). Looked up once per request."""
    serving_now = tenancy.current()
    if serving_now is None:
        return Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if "municipality" not in serving_now.memo:
        serving_now.memo["municipality"] = Municipality.objects.filter(
            code=serving_now.code
        ).first()
    return serving_now.memo["municipality"]


def home_municipality_code() -> str:
    """The code of the municipality served now (no query)."""
    return tenancy.current_code()


def areas_here():
    """The residential areas of the municipality served now, for a form's choices and its
    figures. Scoped also while one municipality is served: a neighbour's areas may be kept
    beside it (set up before routing is turned on, say) and must not show or count."""
    return ResidentialArea.objects.filter(municipality__code=tenancy.current_code())


def rows_here(queryset):
    """The rows of the municipality served now, for a model with its own `municipality`
    column (`areas.models.OwnMunicipalityQuerySet`: police presence, watch areas). Scoped
    also while one municipality is served (a neighbour's rows may be kept beside it), by
    its code, so that this asks the database nothing more."""
    if not routing.serves_several():
        return queryset.for_code(tenancy.current_code())
    return queryset.for_municipality(home_municipality())


def served_municipality_at(*, lat: float, lon: float) -> Municipality | None:
    """The served municipality whose boundary holds a point: the one served now if it does,
    else a neighbour this deployment also serves, else None."""
    home = home_municipality()
    if home is not None and home.contains_point(lat, lon):
        return home
    others = [s.pk for s in routing.served_municipalities() if home is None or s.pk != home.pk]
    if not others:
        return None
    return next(
        (m for m in Municipality.objects.filter(
            pk__in=others, min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat
        ).order_by("code") if m.contains_point(lat, lon)),
        None,
    )


def in_municipality(*, code: str, via: str) -> Q:
    """A filter for rows that belong to a municipality through their residential area.

    `via` names the row's foreign key to `ResidentialArea` ("area", "residential_area").
    Rows without an area (a report described in words) belong to the default municipality.
    Police presence and watch areas carry their own municipality instead
    (`areas.models.of_own_municipality`)."""
    match = Q(**{f"{via}__municipality__code": code})
    if code == settings.MUNICIPALITY_CODE:
        match |= Q(**{f"{via}__isnull": True})
    return match


def municipality_at(*, lat: float, lon: float) -> Municipality | None:
    """The municipality whose boundary holds the point (the lowest code where approximate
    boundaries overlap), for a row that has no residential area to tell it."""
    return next(
        (m for m in Municipality.objects.order_by("code") if m.contains_point(lat, lon)), None
    )


def municipality_finder(
    *, besides: Municipality | None = None
) -> Callable[[float, float], Municipality | None]:
    """`municipality_at` for many points (a file's rows), leaving out `besides`: the
    municipalities and their boundaries are read at the first point asked about and once
    only, so a file of ten thousand rows outside costs one query, not ten thousand."""
    loaded: list[Municipality] | None = None

    def find(lat: float, lon: float) -> Municipality | None:
        nonlocal loaded
        if loaded is None:
            others = Municipality.objects.order_by("code")
            if besides is not None:
                others = others.exclude(pk=besides.pk)
            loaded = list(others)
        return next((m for m in loaded if m.contains_point(lat, lon)), None)

    return find


def area_for_point(
    *, lat: float, lon: float, codes: tuple[str, ...] | None = None
) -> ResidentialArea | None:
    """The residential area covering a point; the smallest one if areas overlap. `codes`
    limits it to the areas of those municipalities (None: any)."""
    areas = ResidentialArea.objects.containing_bbox(lat, lon)
    if codes is not None:
        areas = areas.filter(municipality__code__in=codes)
    candidates = [a for a in areas if a.contains_point(lat, lon)]
    if not candidates:
        return None
    return min(candidates, key=lambda a: a.shape.area)


def point_in_municipality(*, lat: float, lon: float) -> bool:
    """Is the point in the municipality served now, or in another this deployment serves
    (a report placed there is routed there)?"""
    return served_municipality_at(lat=lat, lon=lon) is not None


def example_coordinates() -> tuple[str, str]:
    """A point inside the municipality served now as (latitude, longitude) in decimal
    degrees with four decimals (about ten metres), written with a point whatever the page's
    language: the report form's example of coordinates one can type. No municipality set
    up: the default municipality's town (`settings.MAP_CENTER`)."""
    municipality = home_municipality()
    lat, lon = municipality.inner_point() if municipality else settings.MAP_CENTER
    return f"{lat:.4f}", f"{lon:.4f}"


def map_context(**text: str) -> dict:
    """What every map page needs: tiles, centre, the boundary, and its own messages."""
    municipality = home_municipality()
    # MAP_CENTER is the default municipality's town: another municipality's map opens on
    # its whole boundary instead (its own rows hold no town centre), never on Arvidsjaur.
    own_town = municipality is None or municipality.code == settings.MUNICIPALITY_CODE
    if own_town or municipality.min_lat is None:
        center = settings.MAP_CENTER
    else:
        center = (
            (municipality.min_lat + municipality.max_lat) / 2,
            (municipality.min_lon + municipality.max_lon) / 2,
        )
    return {
        "municipality": municipality,
        "map_config": {
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "center": center,
            # Zoom to the town (level 13) or show the whole boundary (map-common.js).
            "townZoom": own_town,
            "boundary": municipality.geometry if municipality else None,
            "text": text,
            # Leaflet's own control titles, in the page's language (map-common.js).
            "controls": {
                "zoomIn": _("Zooma in"),
                "zoomOut": _("Zooma ut"),
                "leafletTitle": _("Ett JavaScript-bibliotek för interaktiva kartor"),
            },
        },
    }


def statistical_layer(*, municipality: Municipality | None) -> list[ResidentialArea]:
    """SCB's statistical areas kept as a layer beside the residential areas (DeSO or
    RegSO, `import_statistical_areas --as layer`), by code: for staff maps and tables only,
    never for ranking (they would count every household twice)."""
    if municipality is None:
        return []
    layer = ResidentialArea.all_kinds.filter(municipality=municipality, kind=AreaKind.STATISTICAL)
    return list(layer.order_by("scb_code", "name"))


def statistical_layer_geojson(areas: list[ResidentialArea]) -> dict | None:
    """The layer as GeoJSON for a map (its figures are in a table on the same page)."""
    if not areas:
        return None
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": area.geometry,
                "properties": {
                    "name": area.name,
                    "label": _("%(name)s: %(households)s hushåll, %(population)s invånare")
                    % {
                        "name": area.name,
                        "households": area.households,
                        "population": area.population,
                    },
                },
            }
            for area in areas
        ],
    }


# A residential area may reach this far beyond its municipality's border (outlines drawn by
# hand, or a border simplified: a village on a border lake), and then spill over it by this
# share of its surface at most. Beyond that the area is elsewhere (latitude and longitude
# swapped, the wrong municipality, a slip of the mouse over the whole county), and
# `area_for_point` would place another municipality's points in it.
BORDER_SLACK_M = 250
MAY_SPILL = 0.10


def outline_problem(*, municipality: Municipality, geometry) -> str | None:
    """Why `geometry` (WGS84) cannot be a residential area of `municipality` (None when
    it can): a part of it lies wholly outside the municipality (its border widened by
    BORDER_SLACK_M), or more than MAY_SPILL of it does; measured in SWEREF 99 TM."""
    area = geometry_to_sweref(geometry)
    if area.area <= 0:
        return None
    border = geometry_to_sweref(municipality.shape).buffer(BORDER_SLACK_M)
    inside = area.intersection(border).area
    if inside <= 0:
        return _(
            "Området ligger helt utanför %(municipality)s. Kontrollera koordinaterna (är "
            "latitud och longitud omkastade?) och kommunen."
        ) % {"municipality": municipality.name}
    outside = 1 - inside / area.area
    if outside > MAY_SPILL:
        return _(
            "%(share)s %% av området ligger utanför gränsen för %(municipality)s. Rita det "
            "inom kommunen, eller välj den kommun det ligger i."
        ) % {"share": round(100 * outside), "municipality": municipality.name}
    if any(not part.intersects(border) for part in getattr(area, "geoms", [area])):
        return _(
            "En del av området ligger helt utanför %(municipality)s. Ta bort den delen, "
            "eller rita den som ett eget område i den kommun där den ligger."
        ) % {"municipality": municipality.name}
    return None


def households_problem(
    *,
    municipality: Municipality | None,
    area: ResidentialArea | None = None,
    households: int | None,
    population: int | None,
    kind: str = AreaKind.RESIDENTIAL,
) -> str | None:
    """Why `households` cannot be the number of households in `area` (None when it can).

    Every household has at least one inhabitant, and one of 16 or older: so no more
    households than the area's inhabitants as typed, than its inhabitants from 16 as SCB
    counted them, or, together with the municipality's other residential areas, than the
    municipality's inhabitants from 16 (`PopulationCount`, the latest year). Without a
    municipality only the first rule is checked (a file's feature, before it is saved).
    An area of the statistical layer (`kind`) is not added to the residential areas: it
    covers households they count already (SCB's RegSO holds half a small municipality)."""
    if not households:
        return None
    if population and households > population:
        return _(
            "Fler hushåll (%(households)s) än invånare (%(population)s) går inte: ett hushåll "
            "har minst en invånare. Kontrollera siffrorna."
        ) % {"households": households, "population": population}
    if municipality is None:
        return None
    area = area or ResidentialArea()
    if area.pk is not None:
        counted = _adults(PopulationCount.objects.filter(area=area))
        if counted is not None and households > counted:
            return _(
                "Fler hushåll (%(households)s) än områdets invånare från 16 år enligt SCB "
                "(%(counted)s) går inte. Kontrollera siffran."
            ) % {"households": households, "counted": counted}
    if kind != AreaKind.RESIDENTIAL:
        return None
    counted = _adults(
        PopulationCount.objects.filter(municipality=municipality, area__isnull=True)
    )
    others = ResidentialArea.objects.filter(municipality=municipality).exclude(pk=area.pk)
    together = households + (others.aggregate(n=Sum("households"))["n"] or 0)
    if counted is not None and together > counted:
        return _(
            "Med det här talet har kommunens bostadsområden %(together)s hushåll, fler än "
            "kommunens invånare från 16 år (%(counted)s). Kontrollera siffran."
        ) % {"together": together, "counted": counted}
    return None


def _adults(counts) -> int | None:
    """The inhabitants from 16 of the latest year among `counts`, None without one."""
    year = counts.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None
    return counts.filter(year=year).aggregate(n=Sum("count"))["n"]
