from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from tryggve.accounts.access import is_verified, second_factor_url, staff_required
from tryggve.accounts.dashboard import figures_for
from tryggve.accounts.forms import LoginForm, TokenForm
from tryggve.accounts.services import totp_device_confirm, totp_device_for_setup, totp_verify


def _next(request: HttpRequest) -> str:
    """Where to go after login: only a path on this site. Anything else (another host, a
    scheme, or a bare word that `redirect()` would take for a view name) goes to the start."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not target.startswith(("//", "/\\"))
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("password")
def login(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())
        if is_verified(request):
            return redirect(_next(request))
        return redirect(second_factor_url(_next(request)))
    return render(request, "accounts/login.html", {"form": form, "next": _next(request)})


@never_cache
def second_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if is_verified(request):
        return redirect(_next(request))
    device, setup = totp_device_for_setup(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.add_error(
                "token",
                _("För många felaktiga koder. Vänta en stund och försök igen med nästa kod."),
            )
        elif totp_verify(request=request, device=device, token=form.cleaned_data["token"]):
            if setup:
                totp_device_confirm(device=device)
            return redirect(_next(request))
        else:
            form.add_error(
                "token",
                _(
                    "Koden stämmer inte. Kontrollera att telefonens klocka "
                    "går rätt och försök med nästa kod."
                ),
            )
    context = {"form": form, "setup": setup, "next": _next(request)}
    if setup:
        import segno

        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=5)
        context["secret"] = _base32(device.bin_key)
    return render(request, "accounts/second_factor.html", context)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("reports:start")


@staff_required("home")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"figures": figures_for(request.roles)})
