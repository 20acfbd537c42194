from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation


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
            return render(request, "413.html", status=413)
        return self.get_response(request)


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
