"""Absolute links: the one place that turns a path or a view name into a full address.

Mail, text messages, the receipt and QR codes all need the site's address. `SITE_URL` gives
it (required in production, see settings.py). Unset, a view's link follows the request the
visitor actually made, and a link built without a request (a service or a management command
writing mail) follows `PORT`, which `make run` exports to both the web server and the task
worker: so `PORT=8101 make run` links to port 8101, never to a port nobody serves.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def site_url(request=None) -> str:
    """The site's scheme, host and port, without a trailing slash."""
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
