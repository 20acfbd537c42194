from django.urls import path, re_path

from tryggve.open311 import staff_views, views

app_name = "open311"

FORMAT = r"(?P<format>json|xml)"

urlpatterns = [
    path("open311/", views.index, name="index"),
    path("open311/v2/openapi.json", views.openapi, name="openapi"),
    re_path(rf"^open311/v2/discovery\.{FORMAT}$", views.discovery, name="discovery"),
    re_path(rf"^open311/v2/services\.{FORMAT}$", views.services, name="services"),
    re_path(
        rf"^open311/v2/services/(?P<service_code>[-a-zA-Z0-9_]+)\.{FORMAT}$",
        views.service_definition,
        name="service_definition",
    ),
    re_path(rf"^open311/v2/requests\.{FORMAT}$", views.requests_view, name="requests"),
    re_path(
        rf"^open311/v2/requests/(?P<service_request_id>[-A-Za-z0-9_]+)\.{FORMAT}$",
        views.request_detail,
        name="request",
    ),
    re_path(
        rf"^open311/v2/tokens/(?P<token>[-A-Za-z0-9_]+)\.{FORMAT}$",
        views.token_detail,
        name="token",
    ),
    re_path(r"^open311/v2/(?P<rest>[\s\S]*)$", views.not_found, name="not_found"),
    path("personal/open311/", staff_views.staff_keys, name="staff_keys"),
    path(
        "personal/open311/<int:pk>/aterkalla/",
        staff_views.staff_key_revoke,
        name="staff_key_revoke",
    ),
]
