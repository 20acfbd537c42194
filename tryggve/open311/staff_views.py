"""Open311 API keys: administrators create, limit and revoke them under /personal/open311/."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryggve.accounts.access import staff_required
from tryggve.areas.selectors import home_municipality
from tryggve.open311.models import ApiKey
from tryggve.open311.services import api_key_create, api_key_revoke
from tryggve.open311.staff_forms import ApiKeyForm

key_admins = staff_required("open311.keys")
# The new key, shown once on the page the POST redirects to, then gone from the session.
NEW_KEY_SESSION = "open311_new_key"


def _keys_here():
    """The keys of the municipality served: another municipality's are neither listed nor
    revoked here (404)."""
    return ApiKey.objects.for_municipality(home_municipality())


@key_admins
def staff_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        api_key, key = api_key_create(
            name=form.cleaned_data["name"],
            municipality=home_municipality(),
            requests_per_hour=form.cleaned_data["requests_per_hour"],
            created_by=request.user,
        )
        request.session[NEW_KEY_SESSION] = {"name": api_key.name, "key": key}
        return redirect("open311:staff_keys")
    new_key = request.session.pop(NEW_KEY_SESSION, None)
    keys = _keys_here().select_related("created_by")
    return render(
        request, "open311/staff_keys.html", {"form": form, "keys": keys, "new_key": new_key}
    )


@key_admins
@require_POST
def staff_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    api_key = get_object_or_404(_keys_here(), pk=pk)
    api_key_revoke(api_key=api_key)
    messages.success(request, _("Nyckeln för %(name)s är återkallad.") % {"name": api_key.name})
    return redirect("open311:staff_keys")
