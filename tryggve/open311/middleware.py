from django.conf import settings
from django.utils.translation import gettext as _

from tryggve.areas.serving import by_path
from tryggve.open311.errors import error_response

API_PREFIX = "/open311/v2/"


def is_api_path(path: str) -> bool:
    """Is `path` the API's, on the shared host's root or under a municipality's path prefix
    (`/arjeplog/open311/v2/…`, tryggve.areas.serving)? This middleware runs before the
    municipality is chosen, so it takes the prefix off the way that choice does."""
    if path.startswith(API_PREFIX):
        return True
    # Only a path that holds the API's prefix at all asks for the routing table.
    return API_PREFIX in path and by_path(path)[1].startswith(API_PREFIX)


class Open311ErrorMiddleware:
    """An oversized body to the API gets the error list, not the site's 413 page
    (`lib.middleware.RequestSizeLimitMiddleware`, which comes after this one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.OPEN311_MAX_REQUEST_BYTES and is_api_path(request.path_info):
            return error_response(request.path, 413, _("Anropet är för stort."))
        return self.get_response(request)
