"""The served municipality's look: its colour as a small stylesheet, and its logo.

The Content-Security-Policy allows no inline style, so the colour is a stylesheet of its
own, linked only when the municipality has one. The logo is an upload kept in the storage
(like photos, never served as static media), so this view hands it out.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from tryggve.areas.identity import LOGO_TYPES, public_identity
from tryggve.areas.models import Municipality

CACHE = "public, max-age=86400"


@require_safe
def theme_css(request: HttpRequest) -> HttpResponse:
    identity = public_identity()
    if not identity.brand_colour:
        raise Http404
    # Both values are checked #rrggbb (Municipality.clean, identity.public_identity).
    css = (
        f":root {{ --brand: {identity.brand_colour}; "
        f"--brand-dark: {identity.brand_colour_dark}; }}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = CACHE
    return response


@require_safe
def logo(request: HttpRequest) -> FileResponse:
    identity = public_identity()
    extension = identity.logo.rsplit(".", 1)[-1].lower() if identity.logo else ""
    content_type = LOGO_TYPES.get(extension)
    if content_type is None:
        raise Http404
    stored = Municipality._meta.get_field("logo").storage
    try:
        handle = stored.open(identity.logo, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = CACHE
    return response
