import json
import logging
import sys

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.defaults import server_error as django_server_error

from tryggve.lib.guard import public_post_limit
from tryggve.lib.tokens import mask_tokens

log = logging.getLogger("tryggve.csp")
CSP_FIELDS = ("document-uri", "violated-directive", "effective-directive", "blocked-uri",
              "source-file", "line-number", "disposition")


def csrf_failure(request, reason=""):
    """A Swedish page that tells the resident how to get their form back."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """The 500 handler: a database that is down (seen in middleware, before any view)
    answers 503 like `DatabaseUnavailableMiddleware`; anything else is the usual 500."""
    from tryggve.lib.middleware import DATABASE_ERRORS, database_unavailable

    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return django_server_error(request)


def form_action(request, form, *, action, refused: type[Exception], back: str):
    """A staff page's small POST form: validate, run one service call, and go back to the
    page with a message. A refused action or bad input becomes a message, never a 500."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    try:
        action()
    except refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sparat."))
    return redirect(back)


def _printable(value, limit: int = 300) -> str:
    """A report's value as one line of printable text: no forged log lines."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(value))[:limit]


def _loggable(name: str, value) -> str:
    """A report's value for the log. Addresses lose their query string and fragment and the
    tokens in their path: a tracking page's report names its private link."""
    text = str(value)
    if name.endswith(("-uri", "-file")):
        text = mask_tokens(text.split("?", 1)[0].split("#", 1)[0])
    return _printable(text)


@csrf_exempt  # browsers send reports without our token; the view changes nothing
@require_POST
@public_post_limit("csp_report")
def csp_report(request):
    """Log a browser's report of content our Content-Security-Policy blocked.

    Anonymous and unauthenticated by nature, so it is kept harmless: small bodies only,
    the guard's per-address limit (`csp_report` in PUBLIC_POST_LIMITS),
    nothing saved, and any garbage answered with 400, never 500."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(settings.CSP_REPORT_MAX_BYTES + 1)
    if len(body) > settings.CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(body).get("csp-report")
        if not isinstance(report, dict):
            raise ValueError
    except (ValueError, AttributeError, RecursionError):  # UnicodeDecodeError is a ValueError
        return HttpResponse(status=400)
    log.warning(
        "CSP violation: %s",
        " ".join(f"{name}={_loggable(name, report.get(name, ''))}" for name in CSP_FIELDS),
    )
    return HttpResponse(status=204)
