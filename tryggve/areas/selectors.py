"""Read-only questions about geography that other apps ask."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from tryggve.areas.models import AreaKind, Municipality, ResidentialArea


def home_municipality() -> Municipality | None:
    return Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()


def in_municipality(*, code: str, via: str) -> Q:
    """A filter for rows that belong to a municipality through their residential area.

    `via` names the row's foreign key to `ResidentialArea` ("area", "residential_area").
    Rows without an area (a report described in words, presence logged at a point, a watch
    area drawn anew) belong to the municipality this service runs for: the e-service,
    presence log and neighbourhood watch serve that one municipality only.
    """
    match = Q(**{f"{via}__municipality__code": code})
    if code == settings.MUNICIPALITY_CODE:
        match |= Q(**{f"{via}__isnull": True})
    return match


def area_for_point(*, lat: float, lon: float) -> ResidentialArea | None:
    """The residential area covering a point; the smallest one if areas overlap."""
    candidates = [
        a for a in ResidentialArea.objects.containing_bbox(lat, lon) if a.contains_point(lat, lon)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda a: a.shape.area)


def point_in_municipality(*, lat: float, lon: float) -> bool:
    municipality = home_municipality()
    return municipality is not None and municipality.contains_point(lat, lon)


def map_context(**text: str) -> dict:
    """What every map page needs: tiles, centre, the boundary, and its own messages."""
    municipality = home_municipality()
    return {
        "municipality": municipality,
        "map_config": {
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "center": settings.MAP_CENTER,
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
