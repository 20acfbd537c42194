from django.conf import settings
from django.shortcuts import render


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
