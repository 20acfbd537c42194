"""The municipalities this deployment serves, and which one a host name or path picks.

With `settings.MUNICIPALITY_ROUTING` on, served are the default municipality
(`settings.MUNICIPALITY_CODE`) and every municipality given a path slug or host names. A
municipality row with neither (a neighbour's boundary kept for reference, say) is not
served. The small routing table is cached (shared by the
app servers when the cache is) and dropped whenever a municipality is saved or deleted, so
choosing costs no query on a warm cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import get_script_prefix, set_script_prefix

from tryggve.areas.models import Municipality
from tryggve.lib import tenancy

ROUTING_SECONDS = 300


@dataclass(frozen=True)
class Served:
    pk: int
    code: str
    slug: str
    hosts: tuple[str, ...]
    police_area: str


def _rows(match: Q) -> list[Served]:
    """The routing rows of the municipalities matching `match` (not their geometry)."""
    return [
        Served(
            pk=m.pk, code=m.code, slug=m.slug, hosts=tuple(m.host_names),
            police_area=m.police_area,
        )
        for m in Municipality.objects.filter(match).only(
            "pk", "code", "slug", "hosts", "police_area"
        )
    ]


def _cache_key() -> str:
    # The default code is part of the key: a test or a second settings file may change it.
    return f"tryggve:areas:served:{settings.MUNICIPALITY_CODE}"


def served_municipalities() -> list[Served]:
    """The served municipalities, the default first; none looked up (an empty list) when
    routing is off (settings.MUNICIPALITY_ROUTING): then only the default one is served."""
    if not settings.MUNICIPALITY_ROUTING:
        return []
    rows = cache.get(_cache_key())
    if rows is None:
        rows = _rows(
            Q(code=settings.MUNICIPALITY_CODE) | ~Q(slug="") | ~Q(hosts="")
        )
        rows.sort(key=lambda s: (s.code != settings.MUNICIPALITY_CODE, s.code))
        cache.set(_cache_key(), rows, ROUTING_SECONDS)
    return rows


def _default_served() -> list[Served]:
    """The default municipality's row alone, cached like the table: what routing off
    serves (a neighbour's rows may be kept beside it)."""
    key = _cache_key() + ":default"
    rows = cache.get(key)
    if rows is None:
        rows = _rows(Q(code=settings.MUNICIPALITY_CODE))
        cache.set(key, rows, ROUTING_SECONDS)
    return rows


def forget_served(**kwargs) -> None:
    """Drop the cached tables (connected to Municipality's post_save and post_delete)."""
    cache.delete_many([_cache_key(), _cache_key() + ":default"])


def serves_several() -> bool:
    return len(served_municipalities()) > 1


def by_host(host: str) -> Served | None:
    host = host.lower().rsplit(":", 1)[0] if not host.startswith("[") else host.lower()
    return next((s for s in served_municipalities() if host in s.hosts), None)


def by_slug(slug: str) -> Served | None:
    if not slug:
        return None
    return next((s for s in served_municipalities() if s.slug == slug), None)


def by_path(path: str) -> tuple[Served | None, str]:
    """The served municipality whose slug is `path`'s first segment, and the path after it
    ("/arjeplog/open311/v2/" -> Arjeplog, "/open311/v2/"); (None, `path`) when it is none."""
    segment, _, rest = path.lstrip("/").partition("/")
    served = by_slug(segment)
    return (served, "/" + rest) if served is not None else (None, path)


def served_now() -> Served | None:
    """The served municipality of this request (or task) from the cached table, without
    a query on a warm cache (with routing off, the default one); None when it has no row."""
    code = tenancy.current_code()
    rows = served_municipalities() if settings.MUNICIPALITY_ROUTING else _default_served()
    return next((s for s in rows if s.code == code), None)


def served_codes() -> list[str]:
    return [s.code for s in served_municipalities()]


def served_codes_or_default() -> list[str]:
    """The served municipalities' codes, or MUNICIPALITY_CODE alone on a deployment whose
    table of served municipalities is still empty (one municipality, configured only)."""
    return served_codes() or [settings.MUNICIPALITY_CODE]


@contextlib.contextmanager
def serving_for(code: str | None) -> Iterator[None]:
    """Serve municipality `code` inside the block as its own public site would: mail and
    links written there (`lib.links.absolute_url`, `reverse()`, the mail's sender) are that
    municipality's, on its own host or under its path prefix, also from a task or a
    command, or from a staff page served for another municipality.

    None, or the municipality already served (a resident's own request, whose host or
    prefix is kept as the resident used it), changes nothing. The default municipality is
    served at SITE_URL without a prefix; another by its first host name, else its slug.
    """
    now = tenancy.current()
    if code is None or (now is not None and now.code == code):
        yield
        return
    served = next((s for s in served_municipalities() if s.code == code), None)
    host = prefix = ""
    if served is not None and code != settings.MUNICIPALITY_CODE:
        if served.hosts:
            host = served.hosts[0]
        elif served.slug:
            prefix = f"/{served.slug}"
    before = get_script_prefix()
    base = before.rstrip("/")
    if now is not None and now.prefix and base.endswith(now.prefix):
        # Written on a page served under another municipality's prefix: take it off.
        base = base[: -len(now.prefix)]
    with tenancy.serving(code, host=host, prefix=prefix):
        set_script_prefix(base + prefix + "/")
        try:
            yield
        finally:
            set_script_prefix(before)
