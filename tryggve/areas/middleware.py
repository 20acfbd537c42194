"""Choosing the municipality a request is for (see tryggve.lib.tenancy).

By host name first (`trygg.arjeplog.se`, Municipality.hosts); else, on a shared host, by
the first path segment (`/arjeplog/…`, Municipality.slug), which is then taken off the
path the URL patterns see and set as the script prefix, so that `reverse()` and the
absolute-link helper write `/arjeplog/…` again; else the default municipality. Static
files never carry the prefix (WhiteNoise answers them before this middleware runs). A
deployment that serves one municipality answers exactly as before.
"""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.http import HttpResponsePermanentRedirect
from django.urls import get_script_prefix, set_script_prefix

from tryggve.areas import serving as routing
from tryggve.lib import tenancy


class MunicipalityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = self.choose(request)
        if isinstance(chosen, HttpResponsePermanentRedirect):
            return chosen
        token = tenancy.begin(chosen)
        prefix_before = get_script_prefix()
        if chosen.prefix:
            set_script_prefix(prefix_before.rstrip("/") + chosen.prefix + "/")
        try:
            request.serving = chosen
            return self.get_response(request)
        finally:
            set_script_prefix(prefix_before)
            tenancy.end(token)

    def choose(self, request):
        from django.conf import settings

        try:
            host = request.get_host()
        except DisallowedHost:
            host = ""  # the host check further down answers this request
        by_host = routing.by_host(host) if host else None
        if by_host is not None:
            return tenancy.Serving(code=by_host.code, host=host.lower())
        by_slug, rest = routing.by_path(request.path_info)
        if by_slug is not None:
            prefix = f"/{by_slug.slug}"
            if request.path_info == prefix:
                return HttpResponsePermanentRedirect(request.get_full_path().replace(
                    prefix, prefix + "/", 1
                ))
            request.path_info = rest
            script_name = request.META.get("SCRIPT_NAME", "").rstrip("/")
            request.META["SCRIPT_NAME"] = script_name + prefix
            request.META["PATH_INFO"] = request.path_info
            return tenancy.Serving(code=by_slug.code, prefix=prefix)
        return tenancy.Serving(code=settings.MUNICIPALITY_CODE)
