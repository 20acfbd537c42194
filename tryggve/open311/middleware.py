from django.conf import settings
from django.utils.translation import gettext as _

from tryggve.open311.errors import error_response

API_PREFIX = "/open311/v2/"


class Open311ErrorMiddleware:
    """An oversized body to the API gets the error list, not the site's 413 page
    (`lib.middleware.RequestSizeLimitMiddleware`, which comes after this one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.OPEN311_MAX_REQUEST_BYTES:
                return error_response(request.path, 413, _("Anropet är för stort."))
        return self.get_response(request)
