"""Absolute links: the one place that turns a path or a view name into a full address.

Mail, text messages, the receipt and QR codes all need the site's address. `SITE_URL` gives
it (required in production, see settings.py). Unset, a view's link follows the request the
visitor actually made, and a link built without a request (a service or a management command
writing mail) follows `PORT`, which `make run` exports to both the web server and the task
worker: so `PORT=8101 make run` links to port 8101, never to a port nobody serves.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tryggve.lib import tenancy


def site_url(request=None) -> str:
    """The site's scheme, host and port, without a trailing slash.

    When the municipality served now was chosen by its own host name (tryggve.lib.tenancy),
    links go to that host with SITE_URL's scheme (unset: the request's, else http), also
    from a page another municipality's host or the shared host answers; one chosen by path
    keeps SITE_URL's host and `reverse()` adds the path prefix."""
    serving_now = tenancy.current()
    if serving_now is not None and serving_now.host:
        if settings.SITE_URL:
            scheme = urlsplit(settings.SITE_URL).scheme
        else:
            scheme = request.scheme if request is not None else "http"
        return f"{scheme}://{serving_now.host}"
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"


def absolute_url(
    path_or_viewname: str,
    request=None,
    *,
    args=None,
    kwargs=None,
    query: dict | None = None,
) -> str:
    """`/a/path/` or a view name (`"reports:tracking"`, with args/kwargs) as a full address."""
    if path_or_viewname.startswith("/"):
        path = path_or_viewname
    else:
        path = reverse(path_or_viewname, args=args, kwargs=kwargs)
    if query:
        path = f"{path}?{urlencode(query)}"
    return site_url(request) + path


def page_above(path: str) -> str:
    """The nearest address above `path` that this site serves, or the start page.

    A form's POST-only address sits under the page that shows the form
    (``/rapport/<token>/komplettera/`` under ``/rapport/<token>/``), so that is where a
    visitor who opens it directly belongs.
    """
    parts = path.rstrip("/").split("/")
    while len(parts) > 2:
        parts.pop()
        candidate = "/".join(parts) + "/"
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return reverse("reports:start")


def gettable_page(request) -> str:
    """An address that shows this page with GET: the page itself for a GET, otherwise (a
    form re-rendered after a POST) the page the form was sent from, when it is on this site,
    or the page above the form's address."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        if parts.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return page_above(request.path)
