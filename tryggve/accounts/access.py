"""The one access check for staff pages: logged in, second factor passed, right role, and
a member of the municipality served (tryggve.areas.access; others get a 404)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from tryggve.accounts.roles import AREA_WIDE_ROLES, PAGE_PERMISSIONS, Role, user_roles
from tryggve.lib import tenancy


def is_verified(request) -> bool:
    if not settings.STAFF_REQUIRE_OTP:
        return True
    return bool(getattr(request.user, "is_verified", lambda: False)())


def second_factor_url(next_path: str) -> str:
    """The second-factor step, returning to `next_path` (its query string kept intact)."""
    return f"{reverse('accounts:second_factor')}?{urlencode({'next': next_path})}"


def staff_required(*pages_or_roles: str):
    """Allow a view to the staff whose roles may open its page (`accounts.roles`).

    Name the page key (`staff_required("reports.cases")`); the roles come from
    PAGE_PERMISSIONS. Roles named directly are still accepted, but every Tryggve view names
    its page. Anonymous visitors go to the login page, staff without a second factor to
    the second-factor step, staff of another role get a 403 page, and staff who are not
    members of the municipality served get a 404 (tryggve.areas.access). Its answers are
    not kept in the browser's cache (`Cache-Control: no-store`), unless the view says
    otherwise.
    """
    allowed: set[str] = set()
    for item in pages_or_roles or ("home",):
        allowed |= PAGE_PERMISSIONS[item] if item in PAGE_PERMISSIONS else {Role(item)}
    page = (pages_or_roles or ("home",))[0] if len(pages_or_roles) <= 1 else None

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not is_verified(request):
                return redirect(second_factor_url(request.get_full_path()))
            held = user_roles(request.user)
            if not held & allowed:
                return render(request, "accounts/forbidden.html", status=403)
            if not tenancy.staff_may_use(request.user, area_wide=False):
                # Not a member here: a police officer of the police area still reaches the
                # pages of the police's role, but as a police officer only. The roles they
                # hold in their own municipality (case handler, administrator) do not come
                # along: they would open another municipality's cases, keys and surveys.
                reach = held & AREA_WIDE_ROLES
                if reach & allowed and tenancy.staff_may_use(request.user, area_wide=True):
                    held = reach
                else:
                    held = set()
            # Another municipality's staff pages do not exist for a non-member; only the
            # start page (where the login leads) sends a member of another site there.
            if not held:
                elsewhere = tenancy.staff_home_elsewhere(request.user, request)
                if elsewhere and page == "home":
                    return redirect(elsewhere)
                if elsewhere is None:
                    raise Http404
                # Still a 404 (the page does not exist for them), but in staff words with the
                # way to their own pages: the residents' page spoke of case links.
                return render(
                    request, "accounts/not_here.html", {"elsewhere": elsewhere}, status=404
                )
            request.roles = held
            response = view(request, *args, **kwargs)
            # Staff pages show personal data: no copy in the browser's cache, where the back
            # button would show it after logging out on a shared computer. A view that says
            # how its answer may be kept (a photo) decides for itself.
            if not response.has_header("Cache-Control"):
                add_never_cache_headers(response)
            return response

        # Read by the generated role-matrix test (accounts/tests/test_role_matrix.py); the
        # public-POST guard's URL test tells staff views apart by `staff_required`.
        wrapped.staff_roles = frozenset(allowed)
        wrapped.staff_page = page
        wrapped.staff_required = tuple(pages_or_roles)
        return wrapped

    return decorator


class StaffAdminSite(admin.AdminSite):
    """The admin behind the staff login and second factor, in Swedish.

    Staff without admin rights who open it get the same 403 page as any other staff page
    they may not use, not a second login form they could never pass.
    """

    # The page header names the municipality served (templates/admin/base_site.html).
    site_header = _("Administration")
    site_title = _("Administration")
    index_title = _("Grunddata och inställningar")

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and is_verified(request)

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect_to_login(target, settings.LOGIN_URL)
        if not is_verified(request):
            return redirect(second_factor_url(target))
        return render(request, "accounts/forbidden.html", status=403)
