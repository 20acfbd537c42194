"""Every Open311 error is the spec's list, `[{"code": 400, "description": "…"}]` or
`<errors><error>…</error></errors>`, in the format the address asked for; never a page."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from tryggve.open311.rendering import Document, to_json, to_xml


class Open311Error(Exception):
    """A request the API refuses; `description` is for the client's developer."""

    def __init__(self, code: int, description: str, retry_after: int = 0):
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def error_document(code: int, description: str) -> Document:
    return Document("errors", [{"code": code, "description": description}])


def _from_exception(exc: Exception) -> Open311Error | None:
    if isinstance(exc, Open311Error):
        return exc
    if isinstance(exc, Http404):
        return Open311Error(404, _("Det finns inget sådant."))
    if isinstance(exc, RequestDataTooBig):
        return Open311Error(413, _("Anropet är för stort."))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Open311Error(
            405, _("Metoden %(method)s går inte här.") % {"method": exc.args[0] if exc.args else ""}
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Open311Error(
            415, _("Skicka application/x-www-form-urlencoded eller multipart/form-data.")
        )
    if isinstance(exc, exceptions.ParseError | SuspiciousOperation):
        return Open311Error(400, _("Anropets innehåll gick inte att läsa."))
    if isinstance(exc, exceptions.APIException):
        return Open311Error(exc.status_code, str(exc.detail))
    return None


def exception_handler(exc, context):
    """DRF's hook: the error list instead of DRF's own `{"detail": …}` or a server error."""
    error = _from_exception(exc)
    if error is None:
        return None
    response = Response(error_document(error.code, error.description), status=error.code)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    if isinstance(exc, exceptions.MethodNotAllowed):
        response["Allow"] = ", ".join(context["view"].allowed_methods)
    return response


def error_response(path: str, code: int, description: str) -> HttpResponse:
    """An error list outside DRF (unknown addresses, oversized bodies), in the format the
    address's suffix names."""
    document = error_document(code, description)
    if path.rstrip("/").endswith(".xml"):
        return HttpResponse(to_xml(document), status=code, content_type="text/xml; charset=utf-8")
    return HttpResponse(
        to_json(document), status=code, content_type="application/json; charset=utf-8"
    )
