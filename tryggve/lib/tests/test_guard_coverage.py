"""Every view a visitor can POST to without logging in goes through the public-form guard.

Walks the whole URL resolver, so a new public form without `@public_post` fails here.
Staff views are recognised by `staff_required`; a view that answers 405 to POST accepts
none; the rest must carry the guard or be exempt below, with the reason.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Views that take anonymous POSTs but are not public input, and why.
EXEMPT = {
    "django.views.i18n.set_language": "changes only the visitor's own language cookie",
    "tryggve.accounts.views.login": "staff login: limited by django-axes per username+address",
    "tryggve.accounts.views.second_factor": "staff second factor: django-otp throttles it",
    "tryggve.accounts.views.logout": "ends the visitor's own session; stores nothing",
    "tryggve.open311.views.not_found": "Open311's 404 error list for every unknown address",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                continue  # the admin sits behind the staff login and second factor
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _dummy_path(route: str) -> str:
    # A regex route (Open311's `requests\.(?P<format>json|xml)$`): its first alternative.
    route = re.sub(r"\(\?P<format>(\w+)[^)]*\)", r"\1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route).replace("\\", "")
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
    return "/" + route.lstrip("^").rstrip("$")


def _name(view) -> str:
    view = getattr(view, "view_class", view)
    return f"{view.__module__}.{view.__qualname__}"


def _public_views():
    for route, view in _walk(get_resolver().url_patterns):
        if getattr(view, "staff_required", None) is not None:
            continue
        yield route, view


@pytest.mark.django_db
def test_every_anonymous_post_is_guarded(client, municipality):
    unguarded = []
    for route, view in _public_views():
        if getattr(view, "public_post_guard", None) is not None or _name(view) in EXEMPT:
            continue
        response = client.post(_dummy_path(route))
        if response.status_code != 405:
            unguarded.append(f"{route} ({_name(view)}): POST answered {response.status_code}")
    assert not unguarded, "Anonymous POST without @public_post:\n" + "\n".join(unguarded)


def test_the_walk_sees_the_public_forms():
    """A check on the test itself: it finds the guarded views and tells staff views apart."""
    routes = dict(_walk(get_resolver().url_patterns))
    guarded = [r for r, v in routes.items() if getattr(v, "public_post_guard", None)]
    assert "rapportera/" in guarded and "grannsamverkan/<slug:slug>/" in guarded
    assert len(guarded) >= 8
    assert getattr(routes["personal/arenden/"], "staff_required", None) is not None
