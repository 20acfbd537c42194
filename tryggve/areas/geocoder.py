"""Finding a place by name for the report form: streets and areas the system knows (no
network), then a Nominatim-compatible geocoder (`GEOCODER_URL`) for the rest, kept to the
municipality.

The search page is anonymous, so it must not become an open proxy to the geocoder: queries
are capped in length, answers cached for a day, and look-ups limited per client address and
for the whole site (Django's cache; shared between processes when the cache is Redis). Past
a limit, or when the geocoder cannot be reached, the known streets still answer and the
resident is told in words.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tryggve.areas.models import ResidentialArea, Street
from tryggve.areas.selectors import home_municipality

log = logging.getLogger(__name__)

MAX_QUERY = 100
MIN_QUERY = 2
MAX_RESULTS = 8
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Candidate:
    label: str
    lat: float
    lon: float
    source: str  # "street", "area" or "geocoder"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResult:
    query: str
    candidates: list[Candidate] = field(default_factory=list)
    message: str = ""


class GeocoderUnavailable(Exception):
    """The geocoder did not answer usefully (down, slow, or not JSON)."""


def clean_query(raw: str) -> str:
    return " ".join((raw or "").replace("\x00", "").split())[:MAX_QUERY]


def _known(query: str) -> list[Candidate]:
    """Streets and residential areas whose name contains the query; names starting with it
    first."""
    municipality = home_municipality()
    if municipality is None:
        return []
    found = []
    for street in Street.objects.filter(municipality=municipality, name__icontains=query)[:20]:
        point = street.shape.interpolate(0.5, normalized=True) if street.shape.length else None
        point = point or street.shape.representative_point()
        found.append(Candidate(street.name, round(point.y, 6), round(point.x, 6), "street"))
    for area in ResidentialArea.objects.filter(municipality=municipality, name__icontains=query)[
        :20
    ]:
        point = area.shape.representative_point()
        label = _("%(name)s (bostadsområde)") % {"name": area.name}
        found.append(Candidate(label, round(point.y, 6), round(point.x, 6), "area"))
    lowered = query.lower()
    found.sort(key=lambda c: (not c.label.lower().startswith(lowered), c.label))
    return found


def _allow(client: str) -> bool:
    """Count one geocoder look-up against the client's hourly and the site's per-minute
    limit; False when either is used up."""
    hour, minute = int(time.time() // 3600), int(time.time() // 60)
    # No address stored: a keyed hash (SECRET_KEY), since a plain hash of an IPv4 address is
    # undone by trying all four billion of them.
    client_hash = salted_hmac("tryggve.geocoder.client", client).hexdigest()[:32]
    limits = [
        (f"geocoder:client:{client_hash}:{hour}", settings.GEOCODER_LIMIT_PER_HOUR, 3600),
        (f"geocoder:site:{minute}", settings.GEOCODER_LIMIT_PER_MINUTE, 60),
    ]
    for key, limit, ttl in limits:
        cache.add(key, 0, ttl)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, ttl)
            count = 1
        if count > limit:
            return False
    return True


def _ask_geocoder(query: str, municipality) -> list[Candidate]:
    params = {
        "q": query,
        "format": "jsonv2",
        "countrycodes": "se",
        "viewbox": f"{municipality.min_lon},{municipality.max_lat},"
        f"{municipality.max_lon},{municipality.min_lat}",
        "bounded": "1",
        "limit": "10",
        "accept-language": "sv",
    }
    url = f"{settings.GEOCODER_URL}/search?{urllib.parse.urlencode(params)}"
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise GeocoderUnavailable("GEOCODER_URL must be http(s)")
    # The scheme is checked above; the address is the operator's setting, not user input.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": settings.GEOCODER_USER_AGENT}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.GEOCODER_TIMEOUT) as response:  # noqa: S310
            data = json.loads(response.read(1_000_000).decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError) as exc:
        log.warning("geocoder unavailable: %s", exc)
        raise GeocoderUnavailable from exc
    if not isinstance(data, list):
        raise GeocoderUnavailable
    found = []
    for item in data:
        try:
            lat, lon = float(item["lat"]), float(item["lon"])
            label = str(item.get("display_name") or item.get("name") or "").strip()
        except (KeyError, TypeError, ValueError):
            continue
        # bounded=1 keeps to the box around the municipality; the boundary decides.
        if label and municipality.contains_point(lat, lon):
            short = ", ".join(part.strip() for part in label.split(",")[:3])
            found.append(Candidate(short[:200], round(lat, 6), round(lon, 6), "geocoder"))
    return found


def _geocoded(query: str, client: str, municipality) -> tuple[list[Candidate], str]:
    # Per municipality: the answer holds only places inside the one served (its boundary
    # decides), so another municipality's form must never be given it.
    asked = f"{municipality.code}|{query.lower()}"
    key = "geocoder:answer:" + hashlib.sha256(asked.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return [Candidate(**c) for c in cached], ""
    if not _allow(client):
        return [], _(
            "Du har sökt många gånger på kort tid. Vänta en stund och sök igen, eller välj "
            "platsen på kartan eller beskriv den med ord."
        )
    try:
        found = _ask_geocoder(query, municipality)
    except GeocoderUnavailable:
        return [], _(
            "Adressökningen går inte att nå just nu. Gator som kommunen känner till går ändå "
            "att söka, och du kan välja platsen på kartan eller beskriva den med ord."
        )
    cache.set(key, [c.as_dict() for c in found], CACHE_SECONDS)
    return found, ""


def place_search(*, query: str, client: str, known_only: bool = False) -> SearchResult:
    """Candidate places for what a resident typed: known streets and areas first, then the
    geocoder's places inside the municipality (unless `known_only`, as while typing: the
    public Nominatim forbids search-as-you-type)."""
    query = clean_query(query)
    result = SearchResult(query=query)
    if len(query) < MIN_QUERY:
        result.message = _("Skriv minst två bokstäver av en gata eller plats.")
        return result
    result.candidates = _known(query)
    municipality = home_municipality()
    if settings.GEOCODER_URL and not known_only and municipality is not None:
        found, result.message = _geocoded(query, client, municipality)
        seen = {c.label.split(",")[0].lower() for c in result.candidates}
        result.candidates += [c for c in found if c.label.split(",")[0].lower() not in seen]
    result.candidates = result.candidates[:MAX_RESULTS]
    if not result.candidates and not result.message:
        result.message = _(
            "Vi hittade ingen plats som heter så i kommunen. Prova en annan stavning, välj "
            "platsen på kartan eller beskriv den med ord."
        )
    return result
