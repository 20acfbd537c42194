import contextlib
import logging
import re
import time
import uuid
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from tryggve.lib import health, logs
from tryggve.lib.links import page_above

log = logging.getLogger(__name__)
access_log = logging.getLogger("tryggve.access")

# An incoming X-Request-ID is kept only when it looks like one (nginx's $request_id is 32
# hex digits, a UUID has dashes): nothing that could forge a log line or carry a text.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{7,63}")
# Addresses a load balancer or monitor probes (tryggve.lib.health.healthz, readyz).
PROBE_PATHS = {"/healthz", "/readyz"}


class RequestLogMiddleware:
    """First in the stack: gives every request an id (returned as `X-Request-ID` and put on
    every log record made while answering it) and logs one access line when it is answered:
    method, path without query string and with link tokens hidden, status, duration, and
    the staff user's id. See tryggve/lib/logs.py for what is never logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        bound = logs.current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request.request_id
            path = logs.redact_path(request)
            # Probes come every few seconds; their lines would drown the rest.
            level = logging.DEBUG if request.path_info in PROBE_PATHS else logging.INFO
            access_log.log(
                level,
                "%s %s %s %sms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            logs.current_request.reset(bound)


class ProbeMiddleware:
    """Answers GET and HEAD of `/healthz` and `/readyz` before the rest of the stack, so a
    load balancer probing the app server over plain http on its own address gets the answer:
    no redirect to https, no host check against ALLOWED_HOSTS, no session, no login, and no
    database query on the way (a database that is down must give readyz's JSON 503, not
    the 503 page). The same views are in the URL configuration for `reverse()`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path_info in PROBE_PATHS:
            view = health.healthz if request.path_info == "/healthz" else health.readyz
            return view(request)
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse uploads larger than three full-size photos before Django spools them to disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            # Staff pages (under /personal/, also after a municipality's /<slug>/) take a
            # file of incidents, not photos: say that file's limit.
            context = {
                "staff": "personal" in request.path_info.split("/")[1:3],
                "file_mb": settings.INCIDENT_IMPORT_MAX_BYTES // (1024 * 1024),
            }
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A GET to a POST-only address gets a page in the visitor's language, not a blank 405.

    A form shown again with a message lives at the form's POST address; reloading it, or
    following a link there, would otherwise show the browser's own error page. The page
    links to where the address belongs. The JSON API keeps its bare answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not response.content
            and not request.path.startswith("/api/")
        ):
            back = page_above(request.path)
            # The language switch leads on to the page above too, not back to this address.
            to_start = back == reverse("reports:start")
            context = {"back": back, "to_start": to_start, "LANG_NEXT": back}
            page = render(request, "405.html", context, status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    """503 while the database cannot be reached: JSON for the API, a short page in the
    visitor's language otherwise. Renders nothing that needs the database (no session, no
    user), and tells clients when to try again."""
    seconds = settings.DATABASE_RETRY_AFTER_SECONDS
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": "service_unavailable", "retry_after": seconds}, status=503
        )
    else:
        html = render_to_string("503.html", {"retry_after": seconds})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A database that is down or restarting gives 503 with Retry-After, never an HTML 500.

    Views' errors arrive here through `process_exception`; errors raised in other
    middleware (a session or user lookup) reach `tryggve.lib.views.server_error`, the
    500 handler, which answers the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            log.error("Database unavailable on %s: %s", logs.redact_path(request), exception)
            return database_unavailable(request)
        return None


def tile_source(url: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: its scheme and host, with a `{s}`
    subdomain as a wildcard. None for tiles served from this site (a relative URL)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    host = re.sub(r"\{[a-z]+\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with what the policy cannot know at import time: the map
    tiles' host (a setting that tests and installations change) and our report view."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        tiles = tile_source(settings.MAP_TILE_URL)
        if tiles:
            update["img-src"] = [*update.get("img-src", []), tiles]
        # A test's own URLconf may have no report view; the policy holds without it.
        with contextlib.suppress(NoReverseMatch):
            update["report-uri"] = reverse("csp_report")
        parts.update = update
        return parts


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """The service opens in Swedish whatever the browser's Accept-Language says; English (or
    a later language) is chosen with the switch, which sets the language cookie.

    A Swedish municipality's service speaks Swedish first; a visitor whose browser happens to
    be set to English must not land on a translation they did not ask for.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The language comes from the cookie, not from Accept-Language (which LocaleMiddleware
        # names in Vary): a shared cache must not serve one visitor's language to another.
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
