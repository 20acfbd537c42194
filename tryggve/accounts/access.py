"""The one access check for staff pages: logged in, second factor passed, right role."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

from tryggve.accounts.roles import Role, user_roles


def is_verified(request) -> bool:
    if not settings.STAFF_REQUIRE_OTP:
        return True
    return bool(getattr(request.user, "is_verified", lambda: False)())


def staff_required(*roles: Role):
    """Allow a view to staff holding one of `roles` (any staff role when none is named).

    Anonymous visitors go to the login page, staff without a second factor to the
    second-factor step, and staff of another role get a 403 page.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not is_verified(request):
                return redirect(f"/personal/tvafaktor/?next={request.get_full_path()}")
            held = user_roles(request.user)
            allowed = set(roles) if roles else set(Role.values)
            if not held & allowed:
                return render(request, "accounts/forbidden.html", status=403)
            request.roles = held
            return view(request, *args, **kwargs)

        # Marks a staff view (the public-POST guard's URL test tells them apart by it).
        wrapped.staff_required = tuple(roles)
        return wrapped

    return decorator


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and is_verified(request)

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next", "/admin/"), settings.LOGIN_URL)
